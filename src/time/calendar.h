/* calendar.h — timestamps, civil dates, time zones and holidays (private).
 *
 * Time is int64 seconds since the Unix epoch, UTC (SQLite date.c idea).
 * Civil-date arithmetic uses the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil algorithm). Time zones are read from the system's
 * TZif files (RFC 8536) including the POSIX TZ footer string for years past
 * the last listed transition; no call touches TZ, tzset() or other global
 * state, so everything here is thread-safe.
 */
#ifndef HR_CALENDAR_H
#define HR_CALENDAR_H
#include <stddef.h>
#include <stdint.h>

/* A broken-down civil time (no zone). month 1-12, day 1-31, hour 0-24
 * (24 only as parsed "24:00"), minute, second. */
typedef struct {
    int year, month, day, hour, minute, second;
} cal_civil;

/* Days since 1970-01-01 for a proleptic Gregorian date (any int range). */
int64_t cal_days_from_civil(int y, int m, int d);
/* Inverse of cal_days_from_civil. */
void cal_civil_from_days(int64_t days, int *y, int *m, int *d);
/* Seconds of a civil time read as UTC (hour 24 rolls into the next day). */
int64_t cal_civil_to_utc(const cal_civil *c);
/* Break t (UTC) down; weekday 0 = Sunday..6, yday 0-365. */
void cal_utc_to_civil(int64_t t, cal_civil *c, int *weekday, int *yday);
/* 1 for a Gregorian leap year. */
int cal_is_leap(int y);
/* UTC second of y-01-01T00:00:00Z. */
int64_t cal_year_start(int y);
/* t rounded down to the hour: a multiple of 3600 s (floor, also for t < 0). */
int64_t cal_floor_hour(int64_t t);
/* "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void cal_format_utc(int64_t t, char buf[21]);

/* ---- parsing -------------------------------------------------------------
 * cal_parse_time parses one timestamp field of length len (not necessarily
 * NUL-terminated). Accepted forms (surrounding spaces ignored):
 *   ISO 8601:  YYYY-MM-DD[(T| )HH[:MM[:SS[.fff]]]][Z|(+|-)HH[:MM]|(+|-)HHMM]
 *   US:        M/D/YYYY H:MM[:SS] [AM|PM]   M/D/YY H:MM   (month first)
 *   day-first: D/M/YY H:MM, D/M/YYYY H:MM  (only when flags has CAL_DAYFIRST)
 *   a trailing " DST" (ERCOT's repeated autumn hour) sets *dst_flag.
 * Two-digit years are 19YY for YY >= 70, else 20YY.
 * Hour 24:00 is accepted (and means 00:00 of the next day).
 * On success: *out = the civil fields, *has_offset = 1 and *offset_s set when
 * the text carried Z or an offset (UTC instant = civil - offset).
 * Returns 0 on success, -1 if the text is not a timestamp of these forms
 * (including impossible dates such as 2021-02-30 or 25:00). */
enum { CAL_DAYFIRST = 1 };
int cal_parse_time(const char *s, size_t len, int flags, cal_civil *out,
                   int *has_offset, int *offset_s, int *dst_flag);

/* ---- time zones ---------------------------------------------------------- */
typedef struct cal_tz cal_tz;

/* Load zone `name` ("America/Chicago", "UTC", "Etc/GMT+5") from the TZif
 * files under dir (NULL = "/usr/share/zoneinfo", or $TZDIR is NOT consulted:
 * the caller passes what it wants). Returns 0 and *out, or -1 when the zone
 * does not exist or the file is malformed (and *out = NULL). */
int cal_tz_load(const char *name, const char *dir, cal_tz **out);
void cal_tz_free(cal_tz *z);
const char *cal_tz_name(const cal_tz *z);
/* UTC offset (seconds east of UTC) in force at instant t; is_dst optional. */
int cal_tz_offset(const cal_tz *z, int64_t t, int *is_dst);

/* Map a local wall-clock civil time to UTC.
 * occurrence: 0 = first (earlier instant) when the wall time occurs twice in
 * an autumn fall-back, 1 = second (later instant).
 * A wall time that does not exist (spring-forward gap) is read with the
 * offset in force before the transition (so 02:30 CST-that-never-was maps to
 * 08:30Z), and *status = 1; an ambiguous time sets *status = 2; else 0.
 * Returns the UTC instant. */
int64_t cal_local_to_utc(const cal_tz *z, const cal_civil *c, int occurrence, int *status);

/* ---- holidays ------------------------------------------------------------
 * US federal holidays with observed-day rules (5 U.S.C. 6103): New Year,
 * MLK (3rd Mon Jan, from 1986), Washington (3rd Mon Feb), Memorial (last Mon
 * May), Juneteenth (Jun 19, from 2021), Independence, Labor (1st Mon Sep),
 * Columbus (2nd Mon Oct), Veterans (Nov 11), Thanksgiving (4th Thu Nov),
 * Christmas. Saturday holidays are observed Friday, Sunday ones Monday.
 * Returns 1..11 (the holiday's index in that order) if the civil date is an
 * observed federal holiday, 0 otherwise. */
int cal_us_holiday(int y, int m, int d);
/* 1 for the day after Thanksgiving, 2 for Christmas Eve (Dec 24), else 0. */
int cal_us_bridge_day(int y, int m, int d);

/* Seconds on the monotonic clock (for timings: fit_seconds, the report's
 * run times); not civil time. */
double cal_monotonic_seconds(void);
/* CPU seconds of the calling thread, and of the whole process (all its
 * threads); NaN where the system has no such clock. */
double cal_thread_cpu_seconds(void);
double cal_process_cpu_seconds(void);

#endif
