//! `hazy_doctor`: the doctor's walk (crate::doctor) from C, its report as JSON.

use std::ffi::c_char;

use super::boundary::{c_string, optional_str, required_ptr};
use super::error::{guard, hazy_error_t};
use super::options::hazy_options_t;
use crate::config::Config;
use crate::doctor::{self, Options};
use crate::runtime;
use crate::status::Status;

/// Checks the installation that `options` point at (NULL: the `HAZY_*` environment) step by
/// step, as the Keycloak tutorial sets it up: the Hub host answers (TLS, proxy), where
/// Keycloak is served, the realm, the client's grant, the token's audience and scopes, an
/// authenticated Hub call (listing the jobs of `project`; NULL: "hazy-doctor"), the clocks,
/// and the Hub's own API description against libhazy's contract. Blocks for a few requests.
///
/// Writes the report to `*report_json_out` as one JSON object (free it with
/// hazy_string_free): "ok" (no step failed), "status" (OK, or the status name of the first
/// failed step), "target", and "steps", each with "step", "title", "result" ("pass", "fail"
/// or "skipped"), "finding", "fix" (the tutorial's step that fixes a failure), "status" and
/// "details". No secret or token appears in it. Returns HAZY_STATUS_OK whenever the report
/// was made, whatever it found; HAZY_STATUS_INVALID_ARGUMENT for a NULL `report_json_out`, a
/// malformed environment variable or a `project` that is not UTF-8; HAZY_STATUS_INVALID_STATE
/// from inside a log callback.
#[no_mangle]
pub unsafe extern "C" fn hazy_doctor(
    options: *const hazy_options_t,
    project: *const c_char,
    report_json_out: *mut *mut c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        required_ptr(report_json_out, "report_json_out")?;
        // SAFETY: NULL or a live object this library handed out (the header's contract).
        let config = match unsafe { options.as_ref() } {
            Some(o) => o.client_config(),
            None => Config::from_env()?,
        };
        let mut walk = Options::default();
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        if let Some(project) = unsafe { optional_str(project, "project")? }.filter(|p| !p.is_empty()) {
            walk.project = project.to_owned();
        }
        let report = runtime::block_on(doctor::run(&config, &walk))?;
        let json = c_string(&report.to_json().to_string());
        // SAFETY: report_json_out was checked non-NULL above and is writable (the header's contract).
        unsafe { *report_json_out = json.into_raw() };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::{CStr, CString};
    use std::ptr;

    #[test]
    fn a_report_is_json_and_a_null_out_parameter_is_refused() {
        let options = super::super::options::hazy_options_new();
        let set = |k: &str, v: &str| {
            let (k, v) = (CString::new(k).unwrap(), CString::new(v).unwrap());
            // SAFETY: live options and NUL-terminated strings.
            assert_eq!(unsafe { super::super::options::hazy_options_set(options, k.as_ptr(), v.as_ptr(), ptr::null_mut()) }, Status::Ok);
        };
        // A closed port: every step that needs an answer fails or is skipped, quickly.
        set("host", "http://127.0.0.1:9");
        set("client_id", "api");
        set("client_secret", "Zk4-doctor-ffi-secret");
        let mut out: *mut c_char = ptr::null_mut();
        // SAFETY: live options, a writable out-parameter.
        assert_eq!(unsafe { hazy_doctor(options, ptr::null(), &mut out, ptr::null_mut()) }, Status::Ok);
        // SAFETY: the library wrote a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        // SAFETY: a string this library returned, freed once.
        unsafe { super::super::error::hazy_string_free(out) };
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["ok"], false);
        assert_eq!(report["steps"][0]["step"], "host");
        assert_eq!(report["steps"][0]["status"], "NETWORK");
        assert!(!text.contains("Zk4-doctor-ffi-secret"));
        // SAFETY: live options; NULL out-parameter on purpose.
        assert_eq!(unsafe { hazy_doctor(options, ptr::null(), ptr::null_mut(), ptr::null_mut()) }, Status::InvalidArgument);
        // SAFETY: options from hazy_options_new, freed once.
        unsafe { super::super::options::hazy_options_free(options) };
    }
}
