//! Scrubbing secrets out of text that a server sent back.
//!
//! Servers echo requests in their errors (proxies, debug pages, misconfigured gateways), and
//! they echo them in whatever encoding the request used. So a [`Redactor`] knows every form in
//! which libhazy itself sent each secret, and also blanks the value of any credential-shaped
//! field or `Authorization` header it finds, whatever that value is. Text is always scrubbed
//! whole, before anything cuts it to length: a cut first would leave a secret's prefix behind.

use std::sync::LazyLock;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use regex_lite::Regex;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Shorter "secrets" would shred ordinary words; real ones are long.
const MIN_SECRET_LEN: usize = 4;

/// RFC 3986 unreserved characters stay as they are (what `encodeURIComponent` and most URL
/// libraries produce); everything else is `%XX`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Credential-carrying fields and headers, in form, JSON, header or log syntax, possibly with
/// JSON-escaped quotes. Their values are blanked whatever they are.
static FIELDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:authorization|proxy-authorization|access_token|refresh_token|id_token|client_secret|client_assertion|password)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)(?:(?:basic|bearer|digest|negotiate|dpop)\s+)?[^\s"',;&}<>\\]+"#,
    )
    .expect("a valid pattern")
});

/// The words every match of `FIELDS` contains. regex-lite's case-insensitive matching is ASCII
/// only, so a text whose ASCII-lowercased form holds none of them cannot match, and the regex,
/// most of the cost of scrubbing a log record, is skipped.
const FIELD_WORDS: [&str; 7] =
    ["authorization", "access_token", "refresh_token", "id_token", "client_secret", "client_assertion", "password"];

fn may_hold_fields(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    FIELD_WORDS.iter().any(|word| lower.contains(word))
}

/// The secrets of one request and every encoding in which they were sent.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so that an encoding containing a shorter needle is replaced whole.
    needles: Vec<String>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// A secret sent literally, in a form body, in a URL, or inside JSON.
    pub fn add_secret(&mut self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let all = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
        let component = utf8_percent_encode(secret, COMPONENT).to_string();
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json.trim_matches('"').to_owned();
        let mut forms = vec![secret.to_owned(), json];
        for encoded in [form, all, component] {
            // Servers re-encode with either hex case.
            forms.push(lower_hex(&encoded));
            forms.push(encoded);
        }
        self.push(forms);
    }

    /// An `Authorization: Basic` pair: base64 of `id:secret`, both as given and with each
    /// part form-URL-encoded first (RFC 6749 §2.3.1, which libhazy follows).
    pub fn add_basic(&mut self, id: &str, secret: &str) {
        self.add_secret(secret);
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        // Unpadded: the padding depends on what follows, the rest does not.
        let raw = STANDARD_NO_PAD.encode(format!("{id}:{secret}"));
        let encoded = STANDARD_NO_PAD.encode(format!("{}:{}", encode(id), encode(secret)));
        self.push(vec![raw, encoded]);
    }

    /// Adds every form `other` knows.
    pub fn extend(&mut self, other: Redactor) {
        self.push(other.needles);
    }

    fn push(&mut self, forms: Vec<String>) {
        for form in forms {
            if form.len() >= MIN_SECRET_LEN && !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// `text` with every known secret and every credential-shaped value replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        if !may_hold_fields(&out) {
            return out;
        }
        match FIELDS.replace_all(&out, "${1}***") {
            std::borrow::Cow::Borrowed(_) => out,
            std::borrow::Cow::Owned(scrubbed) => scrubbed,
        }
    }

    /// Server text fit for a message: scrubbed whole, then cut to `max` characters.
    pub fn server_text(&self, text: &str, max: usize) -> String {
        let scrubbed = self.scrub(text);
        match scrubbed.char_indices().nth(max) {
            Some((i, _)) => format!("{}...", &scrubbed[..i]),
            None => scrubbed,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "CANARY-ENC+/=&x9 ü";

    fn redactor() -> Redactor {
        let mut r = Redactor::new();
        r.add_basic("api client", SECRET);
        r
    }

    #[test]
    fn every_encoding_the_library_sends_is_scrubbed() {
        let r = redactor();
        let form: String = form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
        let basic_raw = base64::engine::general_purpose::STANDARD.encode(format!("api client:{SECRET}"));
        let basic_enc = base64::engine::general_purpose::STANDARD
            .encode(format!("api+client:{form}"));
        for echoed in [
            SECRET.to_owned(),
            form.clone(),
            lower_hex(&form),
            utf8_percent_encode(SECRET, NON_ALPHANUMERIC).to_string(),
            utf8_percent_encode(SECRET, COMPONENT).to_string(),
            serde_json::to_string(SECRET).unwrap(),
            format!("x-basic {basic_raw} y"),
            format!("x-basic {basic_enc} y"),
        ] {
            let out = r.scrub(&format!("echo: {echoed} end"));
            assert!(!out.contains("CANARY"), "{echoed} -> {out}");
            assert!(out.contains(MASK) && out.starts_with("echo: ") && out.ends_with(" end"), "{out}");
            for b64 in [&basic_raw, &basic_enc] {
                assert!(!out.contains(&b64[..12]), "{echoed} -> {out}");
            }
        }
    }

    #[test]
    fn credential_fields_are_blanked_whatever_their_value() {
        let r = Redactor::new();
        let cases = [
            ("authorization: Basic YWJjOmRlZg==\r\nhost: x", "authorization: ***\r\nhost: x"),
            ("Authorization: Bearer eyJhbGc.eyJzdWIi.sig", "Authorization: ***"),
            ("grant_type=password&password=hunter2&x=1", "grant_type=password&password=***&x=1"),
            (r#"{"access_token":"eyJ.x.y","refresh_token": "r-1"}"#, r#"{"access_token":"***","refresh_token": "***"}"#),
            (r#"{\"client_secret\":\"s3\"}"#, r#"{\"client_secret\":\"***\"}"#),
            ("CLIENT_SECRET = abc def", "CLIENT_SECRET = *** def"),
            ("nothing to see", "nothing to see"),
        ];
        for (text, expected) in cases {
            assert_eq!(r.scrub(text), expected);
        }
    }

    #[test]
    fn a_secret_straddling_the_cut_leaves_no_prefix() {
        let r = redactor();
        for pad in 0..40 {
            let text = format!("{}{SECRET}{}", "a".repeat(pad), "b".repeat(40));
            let out = r.server_text(&text, 30);
            assert!(!out.contains("CANARY"), "{pad}: {out}");
            assert!(out.chars().count() <= 33, "{out}");
        }
    }

    #[test]
    fn the_prefilter_knows_every_word_the_pattern_needs() {
        // Each alternative of FIELDS, in any ASCII case, passes the prefilter; the replacement
        // literal is MASK.
        for word in FIELD_WORDS.iter().chain(["Proxy-Authorization", "PASSWORD"].iter()) {
            assert!(may_hold_fields(&format!("x {word}=v")), "{word}");
            assert_eq!(Redactor::new().scrub(&format!("{word}=secret-value")), format!("{word}={MASK}"));
        }
        assert!(!may_hold_fields("GET /api/v1/jobs/j1 200"));
    }

    #[test]
    fn short_secrets_are_ignored_and_ordinary_text_survives() {
        let mut r = Redactor::new();
        r.add_secret("abc");
        assert_eq!(r.scrub("abc abcdef"), "abc abcdef");
    }
}
