/* cmd_report.c — `headroom report -o DIR FILE...`: the batch site-selection
 * report over every region of the inputs. */
#include "cli.h"
#include "cli_ingest.h"
#include "cli_model.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const help =
    "usage: headroom report -o DIR [options] FILE...\n"
    "\n"
    "For every region of the inputs: data quality, a day-ahead backtest of the model\n"
    "against the baselines over the last year, a 14-day forecast, headroom at each\n"
    "budget (deterministic, and P10/P50/P90 over simulated next years), and the\n"
    "generation mix where the data has one; regions ranked by headroom. Writes\n"
    "DIR/index.html, regions.csv, regions.json and run.json, atomically. run.json\n"
    "records every effective option below, defaults included.\n"
    "\n"
    "The model is 'auto' (a calendar regression of log load with a direct error\n"
    "model per lead hour; where the data has the balancing authority's day-ahead\n"
    "forecast, that forecast corrected by its recent errors) and ARIMA errors are\n"
    "fitted by CSS, unless --model and --method say otherwise.\n"
    "\n"
    "report options:\n"
    "  -o, --output DIR       output directory [required]; an existing one is\n"
    "                         replaced only if it holds nothing but a report\n"
    "  --budgets LIST         curtailment budgets in % of the added energy, each\n"
    "                         above 0, at most 50 [Default: 0.25,0.5,1,5]\n"
    "  --rank-budget B        the budget (%, one of --budgets) that ranks the\n"
    "                         regions [Default: 0.5]\n"
    "  --threshold KIND       seasonal (summer and winter peaks) | annual (one\n"
    "                         peak) [Default: seasonal]\n"
    "  --season-slack 0|1     1: the seasonal peaks may fall one month outside\n"
    "                         their windows, as the study did [Default: 1]\n"
    "  --years Y1[-Y2]        study years (whole UTC years) [Default: every whole\n"
    "                         year in the data]\n"
    "  --backtest-days N      day-ahead origins over the last N days [Default: 365]\n"
    "  --forecast-hours H     hours forecast after the data [Default: 336]\n"
    "  --scenarios S          simulated next years for P10/P50/P90 (0 = none)\n"
    "                         [Default: 100]\n"
    "  --growth PCT           annual load growth in the scenarios [Default: 0]\n"
    "  --seed N               scenario seed [Default: 1]\n"
    "  --size MW              the \"for a campus of MW\" view: per region the share\n"
    "                         curtailed, hours and events per year and the longest\n"
    "                         event (0 = none) [Default: 500]\n"
    "  --rank-by study|contract  rank by the study's headroom or by the headroom under\n"
    "                         the contract terms below [Default: study]\n"
    "  -j, --threads N        regions in parallel (and the read's threads)\n"
    "                         [Default: 2]\n"
    "  --keep-going           exit 0 even when a stage (headroom, backtest,\n"
    "                         forecast, scenarios) failed for a region; the page\n"
    "                         lists such failures at the top either way\n"
    "                         [Default: exit 1 after writing the report]\n"
    "  -q, --quiet            no progress bar and no warnings on stderr\n"
    "                         (they stay in run.json)\n"
    "  -h, --help             this text\n"
    "contract terms (the headroom table stays the study's; each region also gets the\n"
    "headroom under them at the ranking budget and what binds it; the campus view\n"
    "uses them):\n" CLI_CONTRACT_HELP
    "\n" MODEL_OPTIONS_HELP_WITH("auto", "css") "\n" INGEST_OPTIONS_HELP
    "\nexit codes: 0 success, 1 data/numerical/I-O failure or a failed stage (see\n"
    "--keep-going), 2 usage error\n";

typedef struct {
    double t0;
    int tty;
} progress_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress(size_t done, size_t total, void *ud)
{
    progress_state *p = ud;
    double el = now_s() - p->t0;
    double eta = done ? el * (double)(total - done) / (double)done : 0;
    int w = 30, fill = total ? (int)(w * done / total) : w;
    fprintf(stderr, "\rregion %zu/%zu [", done, total);
    for (int i = 0; i < w; i++) fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %.0fs elapsed, ETA %.0fs ", el, eta);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

int cmd_report(int argc, char **argv)
{
    return cmd_report_with(argc, argv, NULL, NULL);
}

int cmd_report_with(int argc, char **argv, cli_report_fn run, void *ud)
{
    enum { O_RANK = 1600, O_BTD, O_FH, O_SCEN, O_GROWTH, O_SEED, O_BUD, O_THR, O_SLACK, O_YEARS, O_KEEP, O_SIZE,
           O_RANKBY };
    static const struct option own[] = {
        {"budgets", required_argument, 0, O_BUD},
        {"threshold", required_argument, 0, O_THR},
        {"season-slack", required_argument, 0, O_SLACK},
        {"years", required_argument, 0, O_YEARS},
        {"rank-budget", required_argument, 0, O_RANK},
        {"backtest-days", required_argument, 0, O_BTD},
        {"forecast-hours", required_argument, 0, O_FH},
        {"scenarios", required_argument, 0, O_SCEN},
        {"growth", required_argument, 0, O_GROWTH},
        {"seed", required_argument, 0, O_SEED},
        {"threads", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"keep-going", no_argument, 0, O_KEEP},
        {"size", required_argument, 0, O_SIZE},
        {"rank-by", required_argument, 0, O_RANKBY},
        CLI_CONTRACT_OPTIONS,
    };
    cli_opts op;
    cli_opts_init(&op, 1, own, CLI_COUNT(own));
    op.cm.fit.model = "auto";
    op.cm.fit.method = HR_METHOD_CSS; /* the report's default (hr_report_opts_init) */
    hr_report_opts ro;
    hr_report_opts_init(&ro);
    const char *out = NULL;
    int quiet = 0;
    cli_contract ck = {0};
    int c;
    while ((c = getopt_long(argc, argv, "hqj:o:", op.lo, NULL)) != -1) {
        size_t v = 0;
        int bad = 0, n = 0;
        double d = 0;
        switch (c) {
        case 'h': fputs(help, stdout); return EXIT_OK;
        case 'q': quiet = 1; break;
        case O_KEEP: ro.keep_going = 1; break;
        case 'o': out = optarg; break;
        case 'j': bad = cli_parse_threads(optarg, &ro.threads); break;
        case O_RANK: bad = cli_parse_doubles(optarg, &d, 1, &n); ro.rank_budget_pct = d; break;
        case O_BTD: bad = cli_parse_size(optarg, &ro.backtest_days); break;
        case O_FH: bad = cli_parse_size(optarg, &ro.forecast_hours) || !ro.forecast_hours; break;
        case O_SCEN: bad = cli_parse_size(optarg, &ro.scenarios) || ro.scenarios > 100000; break;
        case O_GROWTH: bad = cli_parse_growth(optarg, &ro.growth_pct); break;
        case O_SEED: bad = cli_parse_size(optarg, &v); ro.seed = v; break;
        case O_BUD:
            if (cli_opt_budgets("report", optarg, ro.assess.budgets_pct, &ro.assess.nbudgets)) return EXIT_USAGE;
            break;
        case O_THR:
            if (!strcmp(optarg, "seasonal")) ro.assess.threshold_kind = HR_THRESH_SEASONAL;
            else if (!strcmp(optarg, "annual")) ro.assess.threshold_kind = HR_THRESH_ANNUAL;
            else bad = 1;
            break;
        case O_SLACK: bad = strcmp(optarg, "0") && strcmp(optarg, "1"); ro.assess.season_slack = optarg[0] == '1'; break;
        case O_YEARS: bad = cli_parse_years(optarg, &ro.assess.year_from, &ro.assess.year_to); break;
        case O_SIZE:
            bad = strcmp(optarg, "0") && cli_parse_pos(optarg, 1e9, &ro.campus_mw);
            if (!strcmp(optarg, "0")) ro.campus_mw = 0;
            break;
        case O_RANKBY:
            if (!strcmp(optarg, "study")) ro.rank_by = HR_RANK_STUDY;
            else if (!strcmp(optarg, "contract")) ro.rank_by = HR_RANK_CONTRACT;
            else bad = 1;
            break;
        default: {
            int rc = cli_contract_option("report", c, optarg, &ro.assess, &ck);
            if (rc >= 0) {
                if (rc) return rc;
                break;
            }
            rc = cli_shared_option("report", c, optarg, argv[optind - 1], &op);
            if (rc) return rc;
        }
        }
        char nb[40];
        if (bad) return cli_bad_value("report", optarg, cli_opt_name(&op, c, nb, sizeof nb));
    }
    if (!out) return cli_usage("report", "-o DIR is required");
    if (cli_contract_check("report", &ro.assess, &ck)) return EXIT_USAGE;
    if (ro.rank_by == HR_RANK_CONTRACT && !(ro.assess.max_event_hours || ro.assess.max_events_per_year ||
                                            ro.assess.max_hours_per_year || ro.assess.every_year ||
                                            ro.assess.battery_pct > 0))
        return cli_usage("report", "--rank-by contract needs a contract term (--max-event-hours, --every-year, ...)");
    if (optind >= argc) return cli_usage("report", "no input files");
    if ((c = cli_opts_done("report", &op, 1))) return c;
    if ((c = cli_check_rank_budget("report", &ro))) return c;
    ro.ingest = op.in.opts;
    ro.fit = op.cm.fit;
    if (quiet) ro.fit.log = NULL; /* the warnings are in run.json */
    char opts[2048] = "";
    for (int i = 1; i < optind; i++) {
        strncat(opts, argv[i], sizeof opts - strlen(opts) - 2);
        strncat(opts, " ", sizeof opts - strlen(opts) - 1);
    }
    ro.options_text = opts;
    progress_state ps = {now_s(), isatty(2)};
    if (!quiet && ps.tty) {
        ro.progress = progress;
        ro.progress_ud = &ps;
    }
    int rc = EXIT_OK;
    const char *const *paths = (const char *const *)argv + optind;
    size_t npaths = (size_t)(argc - optind);
    if (run ? run(paths, npaths, &ro, out, ud) : hr_report(paths, npaths, &ro, out)) {
        /* the library names its option field; say the flag */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", hr_last_error());
        char *k = strstr(msg, "keep_going accepts");
        if (k) snprintf(k, sizeof msg - (size_t)(k - msg), "--keep-going accepts such a report)");
        rc = cli_fail("report", "%s", msg);
    }
    return rc;
}
