# arima_joint_ref.R — reference numbers for tests/test_arima_joint.c: a
# regression with SARIMA errors fitted by one likelihood, R's
# arima(xreg = X), against headroom's `errors-fit joint` specs. Run from the
# repository root:
#   Rscript tests/reference/arima_joint_ref.R > tests/reference/arima_joint_ref.h
# R is not a test dependency: the header is committed with this script; the R
# version is in its first lines (and tests/reference/arima_R_version.txt).
#
# The series is generated here and, bit for bit, by the same recipe in the C
# test (a Park-Miller generator is exact in double arithmetic; Box-Muller and
# the SARIMA recursion use the same operations in the same order), so no
# data file is needed; the header carries sum(y) to check that both agree.
# The design is recomputed here from its definitions (src/design.c,
# src/calendar.c), not exported from headroom: an intercept, daily Fourier
# pairs k = 1, 2 (UTC hour), one weekly pair (hour of the week from Sunday
# 00:00 UTC) and the three holiday indicators (observed US federal holiday,
# day after Thanksgiving, Christmas Eve) over 2019-10-01 .. 2020-02-04 UTC.
options(digits = 17)
n <- 3000L
t0 <- as.POSIXct("2019-10-01 00:00:00", tz = "UTC")
tt <- t0 + 3600 * (0:(n - 1))
lt <- as.POSIXlt(tt)
hour <- lt$hour
wday <- lt$wday                      # 0 = Sunday
day <- as.Date(tt)

# --- US federal holidays (observed) and bridge days, from the rules --------
nth_wday <- function(y, m, wd, k) {  # k-th weekday wd (0 = Sun) of month m
  first <- as.Date(sprintf("%d-%02d-01", y, m))
  off <- (wd - as.POSIXlt(first)$wday) %% 7
  first + off + 7 * (k - 1)
}
last_monday <- function(y, m) {
  last <- as.Date(sprintf("%d-%02d-01", y, m + 1)) - 1
  last - ((as.POSIXlt(last)$wday - 1) %% 7)
}
observed <- function(d) {            # Saturday -> Friday, Sunday -> Monday
  w <- as.POSIXlt(d)$wday
  d + ifelse(w == 6, -1, ifelse(w == 0, 1, 0))
}
holidays <- function(y) {
  h <- c(observed(as.Date(sprintf("%d-01-01", y))), nth_wday(y, 1, 1, 3), nth_wday(y, 2, 1, 3),
         last_monday(y, 5), observed(as.Date(sprintf("%d-07-04", y))), nth_wday(y, 9, 1, 1),
         nth_wday(y, 10, 1, 2), observed(as.Date(sprintf("%d-11-11", y))), nth_wday(y, 11, 4, 4),
         observed(as.Date(sprintf("%d-12-25", y))))
  if (y >= 2021) h <- c(h, observed(as.Date(sprintf("%d-06-19", y))))
  h
}
hol_days <- do.call(c, lapply(2018:2021, holidays))
is_hol <- day %in% hol_days
dat_days <- do.call(c, lapply(2018:2021, function(y) nth_wday(y, 11, 4, 4) + 1))
xmas_eve <- as.Date(sprintf("%d-12-24", 2018:2021))
X <- cbind(
  intercept = 1,
  "fourier_daily_sin[1]" = sin(2 * pi * 1 * hour / 24),
  "fourier_daily_cos[1]" = cos(2 * pi * 1 * hour / 24),
  "fourier_daily_sin[2]" = sin(2 * pi * 2 * hour / 24),
  "fourier_daily_cos[2]" = cos(2 * pi * 2 * hour / 24),
  "fourier_weekly_sin[1]" = sin(2 * pi * (24 * wday + hour) / 168),
  "fourier_weekly_cos[1]" = cos(2 * pi * (24 * wday + hour) / 168),
  holiday = as.numeric(is_hol),
  day_after_thanksgiving = as.numeric(!is_hol & day %in% dat_days),
  christmas_eve = as.numeric(!is_hol & day %in% xmas_eve))

# --- the series: same recipe as gen_joint() in tests/test_arima_joint.c ----
pm <- 20240611
unif <- function() { pm <<- (pm * 16807) %% 2147483647; pm / 2147483647 }
burn <- 600L
x <- numeric(n + burn)
e1 <- 0
for (t in 1:(n + burn)) {
  u1 <- unif(); u2 <- unif()
  e <- 40 * (sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2))
  v <- e + 0.3 * e1
  if (t > 1) v <- v + 0.8 * x[t - 1]
  if (t > 24) v <- v + 0.5 * x[t - 24]
  if (t > 25) v <- v - 0.4 * x[t - 25]
  x[t] <- v
  e1 <- e
}
# the true mean, from the generator's own day indices (day 0 = 2019-10-01):
# holidays on days 13, 41, 58, 85, 92, 111; day after Thanksgiving 59;
# Christmas Eve 84
k <- 0:(n - 1); h <- k %% 24; d <- k %/% 24; wk <- ((d + 2) %% 7) * 24 + h
mu <- 5000 + 300 * sin(6.283185307179586 * h / 24) - 200 * cos(6.283185307179586 * h / 24) +
  80 * sin(6.283185307179586 * 2 * h / 24) + 40 * cos(6.283185307179586 * 2 * h / 24) +
  150 * sin(6.283185307179586 * wk / 168) - 100 * cos(6.283185307179586 * wk / 168) -
  400 * (d %in% c(13, 41, 58, 85, 92, 111)) - 250 * (d == 59) - 150 * (d == 84)
y <- mu + x[burn + 1:n]
stopifnot(all(is.finite(y)))
# case B: hours 1300-2799 (2019-11-24 .. 2020-01-25: every holiday column
# is non-zero there), a day and a single hour missing
fb <- 1300L; nb <- 1500L
yna <- y[fb + 1:nb]
yna[c(300:323, 1222)] <- NA

fit <- function(yy, XX, order, seas, method) {
  arima(yy, order = order, seasonal = list(order = seas, period = 24), xreg = XX,
        include.mean = FALSE, method = method)
}
cases <- list(
  list(name = "sarma_101_100_css_ml", from = 0L, y = y, X = X, order = c(1, 0, 1), seas = c(1, 0, 0),
       method = "CSS-ML", terms = "term intercept fourier_daily(2) fourier_weekly(1) holidays",
       errors = "errors arima 1 0 1 1 0 0 24"),
  # D = 1 with missing hours (R then fits by ML from zeros, as headroom):
  # seasonal differencing removes the intercept and the 24-periodic daily
  # Fourier pairs (R's arima stops on them: its OLS start is rank-deficient),
  # so this design has the weekly pair and the holidays only.
  list(name = "sar_200_011_na_ml", from = fb, y = yna, X = X[fb + 1:nb, 6:10], order = c(2, 0, 0), seas = c(0, 1, 1),
       method = "ML", terms = "term fourier_weekly(1) holidays",
       errors = "errors arima 2 0 0 0 1 1 24"))

cat("/* arima_joint_ref.h — GENERATED by tests/reference/arima_joint_ref.R; do not edit.\n")
cat(" * ", R.version.string, " */\n", sep = "")
cat("#include <stddef.h>\n\n")
cat(sprintf("#define JOINT_REF_N %d\n#define JOINT_REF_T0 %d /* 2019-10-01T00:00:00Z */\n", n,
            as.integer(as.numeric(t0))))
cat(sprintf("static const double joint_ref_sum_y = %.17g;\n", sum(y)))
cat(sprintf("static const size_t joint_ref_na[] = {%s}; /* hours of case B's window */\n",
            paste(which(is.na(yna)) - 1, collapse = ", ")))
cat("\ntypedef struct {\n  const char *name, *terms, *errors; int with_na; size_t from, n;\n  double loglik, sigma2, aic;\n",
    "  size_t ncoef; const char *coef_name[16]; double coef[16], se[16];\n  double seconds;\n",
    "} joint_ref_case;\n", sep = "")
cat("static const joint_ref_case joint_ref_cases[] = {\n")
for (cs in cases) {
  t1 <- Sys.time()
  f <- fit(cs$y, cs$X, cs$order, cs$seas, cs$method)
  secs <- as.numeric(Sys.time() - t1, units = "secs")
  se <- sqrt(diag(f$var.coef))
  cat(sprintf("  {\"%s\", \"%s\", \"%s\", %d, %d, %d,\n   %.17g, %.17g, %.17g,\n   %d,\n   {%s},\n   {%s},\n   {%s},\n   %.3f},\n",
              cs$name, cs$terms, cs$errors, as.integer(anyNA(cs$y)), cs$from, length(cs$y), f$loglik, f$sigma2, f$aic,
              length(f$coef), paste0("\"", names(f$coef), "\"", collapse = ", "),
              paste(sprintf("%.17g", f$coef), collapse = ", "),
              paste(sprintf("%.17g", se), collapse = ", "), secs))
}
cat("};\n#define JOINT_REF_NCASES ", length(cases), "\n", sep = "")
