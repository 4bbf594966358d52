//! The README's tables list exactly the options, environment variables and statuses the
//! library has.

const README: &str = include_str!("../README.md");

#[test]
fn every_option_and_environment_variable_is_documented() {
    for (key, var, _) in hazy::OPTIONS {
        let row = format!("| `{key}` | `{var}` |");
        assert!(README.contains(&row), "README lacks the configuration row for {key} / {var}");
    }
}

#[test]
fn every_documented_option_exists() {
    for line in README.lines().filter(|l| l.starts_with("| `") && l.contains("| `HAZY_")) {
        let key = line.split('`').nth(1).unwrap();
        assert!(hazy::OPTIONS.iter().any(|(k, _, _)| *k == key), "README documents unknown option {key}");
    }
}

#[test]
fn every_status_is_documented_with_its_number() {
    for status in hazy::Status::ALL {
        let row = format!("| {} | `HAZY_STATUS_{}` |", status as i32, status.name());
        assert!(README.contains(&row), "README lacks the status row {row}");
    }
}
