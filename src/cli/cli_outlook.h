/* cli_outlook.h — assess --forecast-year / --hindcast / --committed (the
 * forward headroom of hr_outlook_run and hr_hindcast_run). */
#ifndef HR_CLI_OUTLOOK_H
#define HR_CLI_OUTLOOK_H
#include "headroom.h"
#include <stdio.h>

/* Committed loads read from FILE (region,start,mw[,profile]). */
typedef struct {
    hr_committed_load *c;
    size_t n;
} cli_committed;
/* read_profile: how a profile file is read (cmd_assess.c's reader). */
typedef int (*cli_profile_reader)(const char *path, double **prof, size_t *n);
int cli_read_committed(const char *cmd, const char *path, cli_profile_reader rp, cli_committed *out);
void cli_committed_free(cli_committed *c);

/* The CSV of one region's outlook / hindcast (header when first). */
void cli_outlook_print(FILE *f, const char *region, const hr_outlook *o, int first);
void cli_hindcast_print(FILE *f, const char *region, const hr_hindcast *h, int first);
void cli_hindcast_summary(FILE *f, const char *region, const hr_hindcast *h, int first);
#endif
