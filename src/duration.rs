//! Review periods and warning windows written as `3y`, `18m`, `90d`, `2w`: calendar arithmetic
//! on dates, so that an approval of 2018-09-24 for `3y` is due 2021-09-24.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// The forms a period takes, for error messages.
const ACCEPTED: &str = "e.g. 90d (days), 12w (weeks), 6m (months) or 1y (years)";

/// A calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    /// Whole days.
    Days(u32),
    /// Whole months (years are twelve months).
    Months(u32),
}

impl Period {
    /// Parse a number and a unit: `3y` (years), `18m` (months), `2w` (weeks), `90d` (days); the
    /// units may be spelled out (`3 years`). A number without a unit is refused: `90` could be
    /// days or months. The same rule for `--due-within`, `[review] period` and `warn` in
    /// smout.toml, and a form's `review_period` and `[index] retention`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
            Some(i) => (&s[..i], s[i..].trim()),
            None => (s, ""),
        };
        let Ok(n) = num.parse::<u32>() else {
            return Err(format!(
                "`{s}` is not a period: write a number and a unit, {ACCEPTED}"
            ));
        };
        let period = match unit {
            "" => {
                return Err(format!(
                    "`{s}` has no unit: write a number and a unit, {ACCEPTED}"
                ))
            }
            "y" | "year" | "years" => n.checked_mul(12).map(Period::Months),
            "m" | "month" | "months" => Some(Period::Months(n)),
            "w" | "week" | "weeks" => n.checked_mul(7).map(Period::Days),
            "d" | "day" | "days" => Some(Period::Days(n)),
            _ => {
                return Err(format!(
                    "`{s}` is not a period: the unit must be y, m, w or d, {ACCEPTED}"
                ))
            }
        };
        period.ok_or_else(|| format!("`{s}` is too long a period: {ACCEPTED}"))
    }

    /// `date` plus this period (the last day of the month when the day does not exist).
    pub fn after(&self, date: NaiveDate) -> NaiveDate {
        match *self {
            Period::Days(d) => date.checked_add_days(Days::new(d.into())),
            Period::Months(m) => date.checked_add_months(Months::new(m)),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// `date` minus this period.
    pub fn before(&self, date: NaiveDate) -> NaiveDate {
        match *self {
            Period::Days(d) => date.checked_sub_days(Days::new(d.into())),
            Period::Months(m) => date.checked_sub_months(Months::new(m)),
        }
        .unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Period::Months(m) if m % 12 == 0 => write!(f, "{}y", m / 12),
            Period::Months(m) => write!(f, "{m}m"),
            Period::Days(d) => write!(f, "{d}d"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn three_years_after_a_determination_is_the_same_day() {
        let p = Period::parse("3y").unwrap();
        assert_eq!(p.after(d("2018-09-24")), d("2021-09-24"));
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(
            Period::parse("1m").unwrap().after(d("2024-01-31")),
            d("2024-02-29")
        );
    }

    #[test]
    fn a_number_needs_a_unit() {
        let e = Period::parse("90").unwrap_err();
        assert_eq!(
            e,
            "`90` has no unit: write a number and a unit, e.g. 90d (days), 12w (weeks), 6m (months) or 1y (years)"
        );
        assert_eq!(Period::parse("90 days").unwrap(), Period::Days(90));
        assert!(Period::parse("").is_err());
        assert!(Period::parse("d").is_err());
        assert!(Period::parse("-3d").is_err());
        assert!(Period::parse("4000000000y").is_err());
        assert!(Period::parse("400000000y")
            .unwrap_err()
            .contains("too long"));
    }

    #[test]
    fn rejects_unknown_units_with_an_example() {
        let e = Period::parse("3 fortnights").unwrap_err();
        assert!(e.contains("12w"), "{e}");
        assert_eq!(Period::parse("90d").unwrap(), Period::Days(90));
        assert_eq!(Period::parse("2w").unwrap(), Period::Days(14));
    }
}

/// Serde helpers: TOML local dates (`2018-09-24`, unquoted) to and from `NaiveDate`.
pub mod toml_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    /// Convert a TOML datetime that holds only a date.
    pub fn from_toml(dt: &toml::value::Datetime) -> Option<NaiveDate> {
        match (dt.date, dt.time) {
            (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
            _ => None,
        }
    }

    /// Deserialize a required date.
    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let dt = toml::value::Datetime::deserialize(d)?;
        from_toml(&dt).ok_or_else(|| {
            serde::de::Error::custom(format!("`{dt}` is not a date (write YYYY-MM-DD, no time)"))
        })
    }

    /// Deserialize an optional date.
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<toml::value::Datetime>::deserialize(d)? {
            None => Ok(None),
            Some(dt) => from_toml(&dt).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{dt}` is not a date (write YYYY-MM-DD, no time)"
                ))
            }),
        }
    }
}
