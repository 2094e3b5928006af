/* fuzz_spec.c — the specification parser on arbitrary bytes, then what a
 * fit does with a parsed spec before any data: its width, the rewrites for
 * short histories and for data without temperatures. */
#include "fuzz.h"
#include "model/design.h"
#include "model/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec *s = NULL;
    if (spec_parse((const char *)data, size, "fuzz.spec", &s) != 0) return 0;
    (void)design_width(s);
    (void)spec_needs_temp(s);
    (void)spec_needs_load(s);
    spec *a = NULL, *t = NULL;
    if (spec_without_annual(s, &a) == 0 && a) (void)design_width(a);
    if (spec_with_temperature(s, 1, &t) == 0 && t) (void)design_width(t);
    spec_free(a);
    spec_free(t);
    spec_free(s);
    return 0;
}
