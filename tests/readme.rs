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

/// The fenced code blocks of a Markdown text, with their language tag.
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            blocks.push((lang.to_owned(), body.join("\n")));
        }
    }
    blocks
}

/// The bindings' quick starts are built and run by their own test scripts from their own
/// READMEs; the copies in the main README must be identical to be covered by that.
#[test]
fn binding_quick_starts_are_verbatim_copies_of_the_tested_ones() {
    let section = README.split("## Bindings").nth(1).unwrap().split("\n## ").next().unwrap();
    let bindings = [
        ("### C++", include_str!("../bindings/cpp/README.md")),
        ("### Go", include_str!("../bindings/go/README.md")),
        ("### Java", include_str!("../bindings/java/README.md")),
    ];
    let mut checked = 0;
    for (heading, source) in bindings {
        let part = section.split(heading).nth(1).unwrap().split("\n### ").next().unwrap();
        let tested = code_blocks(source);
        for block in code_blocks(part) {
            assert!(tested.contains(&block), "{heading}: a README block is not in the binding's README:\n{}", block.1);
            checked += 1;
        }
    }
    assert!(checked >= 8, "expected the quick-start blocks, found {checked}");
}
