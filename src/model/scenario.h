/* scenario.h — year-ahead load scenarios (private constants of the method
 * in scenario.c, shared with the tests). The public entry points are
 * hr_scenarios and hr_year_hours in include/headroom.h. */
#ifndef HR_SCENARIO_H
#define HR_SCENARIO_H
#include "headroom.h"

/* Seasonal block bootstrap of the residuals: the target year is cut into
 * blocks of SCEN_BLOCK_HOURS (the last block also takes the remaining 24 or
 * 48 hours of the year); each block is copied from the same hours of the
 * year in a training year, shifted by a whole number of days in
 * [-SCEN_SHIFT_DAYS, +SCEN_SHIFT_DAYS]. Weather years are shifted alike. */
enum {
    SCEN_BLOCK_HOURS = 168,
    SCEN_SHIFT_DAYS = 3,
    SCEN_BLEND_HOURS = 672, /* the ARIMA conditional mean tapers to 0 over 4 weeks */
    SCEN_MAX_YEARS = 200    /* training years the level's spread is taken over */
};

/* Prior of the spread of a year's level around the model's (scenario.c,
 * level_variance): SCEN_LEVEL_NU0 pseudo-years at a standard deviation of
 * SCEN_LEVEL_SD0 (log load, or ratio to the mean). */
#define SCEN_LEVEL_SD0 0.025
#define SCEN_LEVEL_NU0 4.0

#endif
