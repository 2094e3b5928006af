/* install_dir.c — the directory of the installed model specifications,
 * compiled in from the Makefile's PREFIX (PREFIX/share/headroom/models).
 * Alone in its file so that only this object is rebuilt when PREFIX
 * changes, and so that the tests can link a copy compiled with the source
 * tree's models/ instead (Makefile: TREE_DIR_OBJ). */
#include "model/spec.h"

#ifndef HR_MODELS_DIR
#define HR_MODELS_DIR "/usr/local/share/headroom/models"
#endif

const char *spec_install_dir(void) { return HR_MODELS_DIR; }
