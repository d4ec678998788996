//! Review periods and warning windows written as `3y`, `18m`, `90d`, `2w`: calendar arithmetic
//! on dates, so that an approval of 2018-09-24 for `3y` is due 2021-09-24.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// A calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    /// Whole days.
    Days(u32),
    /// Whole months (years are twelve months).
    Months(u32),
}

impl Period {
    /// Parse `3y`, `18m`, `2w`, `90d` (a bare number means days).
    pub fn parse(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
            Some(i) => (&s[..i], s[i..].trim()),
            None => (s, "d"),
        };
        let n: u32 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a period: write e.g. 3y, 18m, 2w or 90d"))?;
        match unit {
            "y" | "year" | "years" => Ok(Period::Months(n * 12)),
            "m" | "month" | "months" => Ok(Period::Months(n)),
            "w" | "week" | "weeks" => Ok(Period::Days(n * 7)),
            "d" | "day" | "days" => Ok(Period::Days(n)),
            _ => Err(format!(
                "`{s}` is not a period: the unit must be y, m, w or d (e.g. 3y, 90d)"
            )),
        }
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
    fn rejects_unknown_units_with_an_example() {
        let e = Period::parse("3 fortnights").unwrap_err();
        assert!(e.contains("3y"), "{e}");
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
