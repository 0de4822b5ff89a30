//! `--time-scale FROM:TO`: times read in one unit and analysed in another (`days:years`), so that `km --times 5`
//! means five years whatever the file holds. Units as R's `lubridate`/survival users convert them: a year is
//! 365.25 days, a month a twelfth of a year, a week 7 days.

use sigsurv_io::{ColumnValues, Table};

/// A conversion factor between two time units.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeScale {
    pub from: String,
    pub to: String,
    /// Multiply a time in `from` units by this to get `to` units.
    pub factor: f64,
}

/// Days in a unit, by its name (singular or plural).
fn days(unit: &str) -> Option<f64> {
    Some(
        match unit.trim().to_ascii_lowercase().trim_end_matches('s') {
            "day" => 1.0,
            "week" => 7.0,
            "month" => 365.25 / 12.0,
            "year" => 365.25,
            _ => return None,
        },
    )
}

/// Parses `FROM:TO` (clap value parser).
pub fn parse_time_scale(s: &str) -> Result<TimeScale, String> {
    let (from, to) = s
        .split_once(':')
        .ok_or_else(|| format!("\"{s}\" is not FROM:TO (e.g. days:years)"))?;
    let unit = |u: &str| {
        days(u)
            .ok_or_else(|| format!("unknown time unit \"{u}\": use days, weeks, months or years"))
    };
    let (f, t) = (unit(from)?, unit(to)?);
    Ok(TimeScale {
        from: from.trim().to_string(),
        to: to.trim().to_string(),
        factor: f / t,
    })
}

impl TimeScale {
    /// Converts the numeric columns `columns` of `table` in place (other kinds are left for the readers to
    /// refuse with their own messages).
    pub fn apply(&self, table: &mut Table, columns: &[&str]) {
        for (name, values) in table.columns.iter_mut() {
            if !columns.contains(&name.as_str()) {
                continue;
            }
            if let ColumnValues::Numeric(v) = values {
                v.iter_mut().for_each(|x| *x *= self.factor);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_as_r_users_do() {
        let s = parse_time_scale("days:years").unwrap();
        assert_eq!(s.factor, 1.0 / 365.25);
        assert_eq!(parse_time_scale("months:years").unwrap().factor, 1.0 / 12.0);
        assert_eq!(parse_time_scale("Weeks:days").unwrap().factor, 7.0);
        assert!(parse_time_scale("days").is_err());
        assert!(parse_time_scale("days:fortnights")
            .unwrap_err()
            .contains("fortnights"));
    }
}
