//! What the fuzz targets share: the canary secrets they plant, the leak check they apply to
//! everything libhazy reports, and the small text formats of their inputs (so that the seed
//! corpus in `fuzz/seeds/` is readable and a crash input can be read in an editor).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub const CLIENT_ID: &str = "api";
pub const USERNAME: &str = "analyst";
/// Distinct canaries, with characters that change under every encoding libhazy applies.
pub const CLIENT_SECRET: &str = "CANARY-SECRET-7f3a+/=&x9";
pub const PASSWORD: &str = "CANARY-PASS-91b2 ü%";
pub const REFRESH_TOKEN: &str = "CANARY-REFRESH-3c4d5e6f";
pub const ACCESS_TOKEN: &str = "CANARY-TOKEN-eyJ0eXAi.a1b2";

/// The bar: a run of 6 or more characters of a secret is a leak.
pub const MIN_PREFIX: usize = 6;
/// `Error::new` cuts messages at 2,048 characters and appends "...".
pub const MAX_MESSAGE_CHARS: usize = 2048 + 3;

/// Every form in which libhazy sends `secret`, each with the shortest prefix that already
/// reveals `MIN_PREFIX` characters of the secret itself. With `basic_id`, also the
/// `Authorization: Basic` forms (base64 of `id:secret`, raw and with both parts
/// form-URL-encoded), whose first characters only encode the id.
pub fn forms(secret: &str, basic_id: Option<&str>) -> Vec<(String, usize)> {
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    // Percent-encoding of every byte but ASCII letters and digits, and of every byte but
    // RFC 3986's unreserved characters (what most URL libraries produce).
    let percent = |keep: &dyn Fn(u8) -> bool| -> String {
        let mut out = String::new();
        for b in secret.bytes() {
            if keep(b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let all = percent(&|b| b.is_ascii_alphanumeric());
    let component = percent(&|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let json = serde_json::to_string(secret).unwrap();
    let mut out = vec![(secret.to_owned(), MIN_PREFIX), (json.trim_matches('"').to_owned(), MIN_PREFIX)];
    for encoded in [form.clone(), all, component] {
        // Servers re-encode with either hex case; the secret's own letters keep theirs.
        out.push((lower_hex(&encoded), MIN_PREFIX));
        out.push((encoded, MIN_PREFIX));
    }
    if let Some(id) = basic_id {
        let id_form: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        for (id, secret) in [(id.to_owned(), secret.to_owned()), (id_form, form)] {
            let encoded = STANDARD.encode(format!("{id}:{secret}"));
            let revealing = (id.len() + 1 + MIN_PREFIX) * 4 / 3 + 1;
            out.push((encoded.trim_end_matches('=').to_owned(), revealing));
        }
    }
    // Longest first (so a source is stripped of whole forms before their parts), equal ones
    // side by side for dedup.
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// `encoded` with the two hex digits after each `%` in lower case.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            out.extend(chars.by_ref().take(2).map(|h| h.to_ascii_lowercase()));
        }
    }
    out
}

/// The longest prefix of `form` (on a char boundary) that `text` contains, if at least
/// `min` bytes long.
fn longest_prefix<'a>(text: &str, form: &'a str, min: usize) -> Option<&'a str> {
    let ends = form.char_indices().map(|(i, _)| i).skip(1).chain([form.len()]);
    let mut best = None;
    for end in ends.filter(|&end| end >= min) {
        // Prefixes nest: once one is absent, every longer one is too.
        if !text.contains(&form[..end]) {
            break;
        }
        best = Some(&form[..end]);
    }
    best
}

/// Checks that no `output` contains a secret, in any of its `forms`, or a revealing prefix of
/// one, that did not come from attacker-controlled input. `sources` is that input, the
/// server's text: a prefix that a source contains once every whole secret is cut out of it
/// was sent by the server as such, not left behind by a redaction. (libhazy knows every
/// planted secret and masks each whole occurrence, so what it leaves can only be the
/// server's own partial text.) Returns a description of the first leak.
pub fn find_leak(outputs: &[&str], sources: &[String], forms: &[(String, usize)]) -> Option<String> {
    let mut stripped: Vec<String> = sources.to_vec();
    for s in &mut stripped {
        for (form, _) in forms {
            if s.contains(form.as_str()) {
                *s = s.replace(form.as_str(), "\u{1}");
            }
        }
    }
    first_unexplained(outputs, &stripped, forms)
}

/// As [`find_leak`] for text that no server wrote: `public` is what the caller itself passed
/// outside secret arguments (option keys, project ids, ...), which libhazy may quote as it is,
/// whole or in part.
pub fn find_echo(outputs: &[&str], public: &[String], forms: &[(String, usize)]) -> Option<String> {
    first_unexplained(outputs, public, forms)
}

fn first_unexplained(outputs: &[&str], sources: &[String], forms: &[(String, usize)]) -> Option<String> {
    for output in outputs {
        for (form, min) in forms {
            let Some(prefix) = longest_prefix(output, form, *min) else { continue };
            if !sources.iter().any(|s| s.contains(prefix)) {
                return Some(format!("{:?} reveals {:?} (a form of a secret) in {:?}", prefix, form, output));
            }
        }
    }
    None
}

/// Every string in a JSON document, keys included, as libhazy sees them once decoded.
pub fn json_strings(body: &[u8]) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = vec![String::from_utf8_lossy(body).into_owned()];
    if let Some(v) = json_value(body) {
        walk(&v, &mut out);
    }
    out
}

/// The JSON document in `body`, as an independent reading of what libhazy parses. libhazy's
/// typed parsers skip unknown fields without checking their strings' UTF-8; so when a strict
/// parse fails, the body is read again with invalid UTF-8 replaced (which changes nothing
/// that a typed parser keeps, since it refuses invalid UTF-8 in a field it reads).
pub fn json_value(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice(body).ok().or_else(|| serde_json::from_str(&String::from_utf8_lossy(body)).ok())
}

/// Splits `NNN[ word]\n` off the front of an input: an HTTP status (taken modulo 600) and an
/// optional word. Inputs without such a line use 200 and the whole input.
pub fn status_line(data: &[u8]) -> (u16, &str, &[u8]) {
    let (line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => return (200, "", data),
    };
    let Ok(line) = std::str::from_utf8(line) else { return (200, "", data) };
    let mut words = line.split(' ');
    match words.next().and_then(|w| w.trim().parse::<u32>().ok()) {
        Some(status) => ((status % 600) as u16, words.next().unwrap_or(""), rest),
        None => (200, "", data),
    }
}

/// Proves the leak check alive before a target trusts it: called from every target's init,
/// so a broken checker fails the run instead of passing everything.
pub fn self_check() {
    let f = forms(CLIENT_SECRET, Some(CLIENT_ID));
    let echoed = vec!["echo client_secret=CANARY-SECRET-7f3a%2B%2F%3D%26x9".to_owned()];
    assert!(find_leak(&["cut: CANARY-SECRET-7f"], &echoed, &f).is_some(), "a straddling prefix");
    assert!(find_leak(&["cut: CANARY-SECRET-7f3a%2B%2"], &echoed, &f).is_some(), "an encoded prefix");
    assert!(find_leak(&["cut: ***"], &echoed, &f).is_none(), "a masked secret");
    assert!(find_leak(&["cut: canary-secret-7f3a%2b"], &echoed, &f).is_none(), "not a form libhazy sends");
    assert!(find_leak(&["cut: CANARY-SECRET-7f3a%2b%2"], &echoed, &f).is_some(), "lower-case hex");
    let sent = vec!["the server itself sent CANARY-SECRET-7f only".to_owned()];
    assert!(find_leak(&["cut: CANARY-SECRET-7f"], &sent, &f).is_none(), "a prefix the server sent");
    let basic = STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert!(find_leak(&[&format!("Basic {}", &basic[..16])], &[], &f).is_some(), "a base64 prefix");
    assert!(find_leak(&[&format!("Basic {}", &basic[..4])], &[], &f).is_none(), "base64 of the id alone");
    let public = vec![format!("key-{CLIENT_SECRET}")];
    assert!(find_echo(&[&format!("unknown option 'key-{CLIENT_SECRET}'")], &public, &f).is_none(), "an echoed key");
    assert!(find_echo(&["client_secret 'CANARY-SECRET-7f3a'"], &[], &f).is_some(), "a secret argument echoed");
}
