//! The exported C functions, called as a C program calls them, on every path that needs no
//! network and no runtime: options, errors and their out-parameter, the panic guard, the
//! `HAZY_*` environment, argument checks before a client is touched, job and model snapshots
//! and their borrowed getters, status names, cancel tokens across threads, and every free.
//!
//! Under Miri (`make test-miri`) each call's pointer handling is checked for undefined
//! behaviour (use after free, double free, dangling borrows, aliasing violations) and the
//! process for leaks at exit. `hazy_client_new` itself is not called with valid arguments:
//! it starts the tokio runtime and builds a rustls client, whose `ring` assembly Miri cannot
//! run; the C suite covers it under valgrind and ASan.

#[cfg(test)]
mod tests {
    use std::ffi::{c_char, CStr, CString};
    use std::ptr::{self, NonNull};

    use hazy::ffi::cancel::*;
    use hazy::ffi::client::*;
    use hazy::ffi::error::*;
    use hazy::ffi::jobs::*;
    use hazy::ffi::lists::*;
    use hazy::ffi::log::*;
    use hazy::ffi::options::*;
    use hazy::ffi::{hazy_error_t, hazy_job_t, hazy_model_t};
    use hazy::hub::{Job, JobKind, Model};
    use hazy::{JobState, Status};

    /// A borrowed C string from the library, as text.
    unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
        (!p.is_null()).then(|| CStr::from_ptr(p).to_str().expect("the library hands out UTF-8"))
    }

    /// An out-parameter that the library must overwrite (with NULL or an object).
    fn sentinel<T>() -> *mut T {
        NonNull::dangling().as_ptr()
    }

    /// Checks a failed call's error object, then frees it.
    unsafe fn expect_error(status: Status, error: *mut hazy_error_t, want: Status, needle: &str) {
        assert_eq!(status, want);
        assert!(!error.is_null() && error != sentinel());
        assert_eq!(hazy_error_status(error), want);
        let message = text(hazy_error_message(error)).unwrap();
        assert!(message.contains(needle), "{message:?} does not name {needle:?}");
        assert_eq!(hazy_error_http_status(error), 0);
        assert!(hazy_error_oauth_error(error).is_null());
        assert!(hazy_error_oauth_description(error).is_null());
        assert!(hazy_error_idempotency_key(error).is_null());
        hazy_error_free(error);
    }

    #[test]
    fn options_set_reports_through_the_error_out_parameter() {
        unsafe {
            let options = hazy_options_new();
            assert!(!options.is_null());

            let mut error = sentinel();
            let status = hazy_options_set(options, c"host".as_ptr(), c"http://127.0.0.1:9".as_ptr(), &mut error);
            assert_eq!(status, Status::Ok);
            assert!(error.is_null(), "success must clear *error");
            // NULL value clears an optional setting.
            assert_eq!(hazy_options_set(options, c"host".as_ptr(), ptr::null(), &mut error), Status::Ok);

            let mut error = sentinel();
            let status = hazy_options_set(options, c"conect_timeout_ms".as_ptr(), c"5".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "conect_timeout_ms");

            let mut error = sentinel();
            let status = hazy_options_set(options, c"connect_timeout_ms".as_ptr(), c"soon".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "connect_timeout_ms");
            assert!(hazy_error_field(ptr::null()).is_null());

            let mut error = sentinel();
            let status = hazy_options_set(options, ptr::null(), c"x".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "key");

            let bad_utf8 = CString::new(vec![b'h', 0xff, 0xfe]).unwrap();
            let mut error = sentinel();
            let status = hazy_options_set(options, c"realm".as_ptr(), bad_utf8.as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "UTF-8");

            let mut error = sentinel();
            let status = hazy_options_set(ptr::null_mut(), c"host".as_ptr(), c"x".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "options");

            // No error out-parameter: the error object is built and must be dropped, not leaked
            // (Miri reports a leak at exit).
            let status = hazy_options_set(options, c"nope".as_ptr(), c"x".as_ptr(), ptr::null_mut());
            assert_eq!(status, Status::InvalidArgument);

            hazy_options_free(options);
            hazy_options_free(ptr::null_mut());
        }
    }

    /// Everything that reads or writes the process environment, in one test so that no other
    /// test thread sees these variables.
    #[test]
    fn environment_errors_and_the_panic_guard() {
        unsafe {
            // The one way to panic inside the library on purpose: the guard turns it into
            // HAZY_STATUS_PANIC, and the unwinding crosses no `extern "C"` frame.
            std::env::set_var("HAZY_ALLOW_DEBUG_PANIC", "1");
            let options = hazy_options_new();
            let mut error = sentinel();
            let status = hazy_options_set(options, c"debug_panic".as_ptr(), c"1".as_ptr(), &mut error);
            expect_error(status, error, Status::Panic, "deliberate panic");
            assert_eq!(hazy_options_set(options, c"debug_panic".as_ptr(), c"1".as_ptr(), ptr::null_mut()), Status::Panic);
            std::env::remove_var("HAZY_ALLOW_DEBUG_PANIC");
            let mut error = sentinel();
            let status = hazy_options_set(options, c"debug_panic".as_ptr(), c"1".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "unknown option");

            std::env::set_var("HAZY_CONNECT_TIMEOUT_MS", "soon");
            let mut error = sentinel();
            let status = hazy_options_load_env(options, &mut error);
            expect_error(status, error, Status::InvalidArgument, "HAZY_CONNECT_TIMEOUT_MS");
            // hazy_client_new(NULL) reads the environment and fails before it starts anything;
            // *client_out is left alone.
            let mut client = sentinel::<hazy_client_t>();
            let mut error = sentinel();
            let status = hazy_client_new(ptr::null(), &mut client, &mut error);
            expect_error(status, error, Status::InvalidArgument, "HAZY_CONNECT_TIMEOUT_MS");
            assert_eq!(client, sentinel());
            std::env::remove_var("HAZY_CONNECT_TIMEOUT_MS");

            std::env::set_var("HAZY_REALM", "other");
            assert_eq!(hazy_options_load_env(options, ptr::null_mut()), Status::Ok);
            std::env::remove_var("HAZY_REALM");
            let mut error = sentinel();
            let status = hazy_options_load_env(ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "options");

            let mut error = sentinel();
            let status = hazy_client_new(options, ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "client_out");
            hazy_options_free(options);
        }
    }

    #[test]
    fn calls_without_a_client_fail_before_touching_anything() {
        unsafe {
            let config = c"{\"data_schema\":{\"tables\":[]},\"data_input\":[]}";
            let mut job = sentinel::<hazy_job_t>();
            let mut error = sentinel();
            let status = hazy_train(ptr::null_mut(), c"p1".as_ptr(), config.as_ptr(), &mut job, &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            assert_eq!(job, sentinel(), "job_out written on failure");

            let mut error = sentinel();
            let status = hazy_train_with_key(ptr::null_mut(), c"p1".as_ptr(), config.as_ptr(), c"k-1".as_ptr(), ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "job_out");
            let status = hazy_generate(ptr::null_mut(), c"p1".as_ptr(), c"m1".as_ptr(), 10, ptr::null(), &mut job, ptr::null_mut());
            assert_eq!(status, Status::InvalidArgument);

            let mut error = sentinel();
            expect_error(hazy_authenticate(ptr::null_mut(), &mut error), error, Status::InvalidArgument, "client");
            let mut error = sentinel();
            let status = hazy_authenticate_bearer(ptr::null_mut(), c"t0ken-value".as_ptr(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            let mut error = sentinel();
            let status = hazy_access_token(ptr::null_mut(), ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "token_out");
            let mut error = sentinel();
            let status = hazy_job_get(ptr::null_mut(), c"j1".as_ptr(), &mut job, &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            let mut error = sentinel();
            let status = hazy_job_cancel(ptr::null_mut(), c"j1".as_ptr(), ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            let mut error = sentinel();
            let status = hazy_job_wait(ptr::null_mut(), c"j1".as_ptr(), 1, None, ptr::null_mut(), ptr::null(), &mut job, &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            let mut list = sentinel();
            let mut error = sentinel();
            let status = hazy_jobs_list(ptr::null_mut(), c"p1".as_ptr(), &mut list, &mut error);
            expect_error(status, error, Status::InvalidArgument, "client");
            assert_eq!(list, sentinel());
            let mut error = sentinel();
            let status = hazy_models_list(ptr::null_mut(), c"p1".as_ptr(), ptr::null_mut(), &mut error);
            expect_error(status, error, Status::InvalidArgument, "list_out");
            assert_eq!(job, sentinel());
            assert_eq!(hazy_token_request_count(ptr::null()), 0);
            hazy_free(ptr::null_mut());
        }
    }

    #[test]
    fn job_and_model_snapshots_lend_their_strings_until_freed() {
        unsafe {
            let job = Job {
                // An interior NUL cannot cross into C; the snapshot shows a space instead.
                id: "job\0-1".to_owned(),
                project_id: "p1".to_owned(),
                kind: JobKind::Train,
                state: JobState::Failed,
                raw_state: "FAILED".to_owned(),
                progress: 0.5,
                model_id: None,
                failure_reason: Some("out of memory".to_owned()),
                num_rows: None,
                output_location: Some("file:///out/".to_owned()),
                created_at: None,
                updated_at: None,
            };
            let job = Box::into_raw(Box::new(hazy_job_t::from(job)));
            assert_eq!(text(hazy_job_id(job)), Some("job -1"));
            assert_eq!(text(hazy_job_project_id(job)), Some("p1"));
            assert_eq!(text(hazy_job_kind(job)), Some("train"));
            assert_eq!(hazy_job_state(job), JobState::Failed);
            assert_eq!(text(hazy_job_raw_state(job)), Some("FAILED"));
            assert_eq!(hazy_job_progress(job), 0.5);
            assert!(hazy_job_model_id(job).is_null());
            assert_eq!(text(hazy_job_output_location(job)), Some("file:///out/"));
            // Two borrows of the same field at once, as a C caller may hold them.
            let (a, b) = (hazy_job_failure_reason(job), hazy_job_failure_reason(job));
            assert_eq!((text(a), text(b)), (Some("out of memory"), Some("out of memory")));
            hazy_job_free(job);

            let model = Model {
                id: "m1".to_owned(),
                project_id: "p1".to_owned(),
                train_job_id: Some("job-1".to_owned()),
                generator_type: None,
                epsilon: Some(1.5),
                created_at: None,
            };
            let model: *const hazy_model_t = Box::into_raw(Box::new(hazy_model_t::from(model)));
            assert_eq!(text(hazy_model_id(model)), Some("m1"));
            assert_eq!(text(hazy_model_project_id(model)), Some("p1"));
            assert_eq!(text(hazy_model_train_job_id(model)), Some("job-1"));
            assert!(hazy_model_generator_type(model).is_null());
            assert_eq!(hazy_model_epsilon(model), 1.5);
            // No C function frees a lone model (lists own theirs); give it back to Rust.
            drop(Box::from_raw(model as *mut hazy_model_t));
        }
    }

    unsafe extern "C" fn ignore_record(_record: *const hazy::ffi::hazy_log_record_t, _userdata: *mut std::ffi::c_void) {}

    #[test]
    fn log_callbacks_are_set_replaced_and_removed_on_options() {
        unsafe {
            let options = hazy_options_new();
            let mut error = sentinel();
            let status = hazy_options_set_log_callback(options, Some(ignore_record), ptr::null_mut(), 5, &mut error);
            assert_eq!(status, Status::Ok);
            assert!(error.is_null(), "success must clear *error");
            // Replaced: the first sink is dropped (Miri checks nothing leaks).
            let status = hazy_options_set_log_callback(options, Some(ignore_record), ptr::null_mut(), 1, ptr::null_mut());
            assert_eq!(status, Status::Ok);
            let mut error = sentinel();
            let status = hazy_options_set_log_callback(options, Some(ignore_record), ptr::null_mut(), 9, &mut error);
            expect_error(status, error, Status::InvalidArgument, "min_level");
            let mut error = sentinel();
            let status = hazy_options_set_log_callback(ptr::null_mut(), None, ptr::null_mut(), 0, &mut error);
            expect_error(status, error, Status::InvalidArgument, "options");
            assert_eq!(hazy_options_set_log_callback(options, None, ptr::null_mut(), 3, ptr::null_mut()), Status::Ok);
            hazy_options_free(options);
            assert_eq!(text(hazy_log_level_name(4)), Some("debug"));
            assert_eq!(text(hazy_log_level_name(-3)), Some("unknown"));
            assert_eq!(text(hazy_log_record_event(ptr::null())), Some(""));
            assert_eq!(text(hazy_log_record_message(ptr::null())), Some(""));
            assert!(hazy_log_record_request_id(ptr::null()).is_null());
            assert_eq!(hazy_log_record_delay_ms(ptr::null()), -1);
            assert!(hazy_error_request_id(ptr::null()).is_null());
        }
    }

    #[test]
    fn null_objects_have_documented_answers() {
        unsafe {
            assert_eq!(text(hazy_error_message(ptr::null())), Some(""));
            assert_eq!(hazy_error_status(ptr::null()), Status::InvalidArgument);
            assert_eq!(hazy_error_http_status(ptr::null()), 0);
            assert!(hazy_error_oauth_error(ptr::null()).is_null());
            assert!(hazy_error_oauth_description(ptr::null()).is_null());
            assert!(hazy_error_idempotency_key(ptr::null()).is_null());
            assert_eq!(text(hazy_job_id(ptr::null())), Some(""));
            assert_eq!(text(hazy_job_kind(ptr::null())), Some(""));
            assert_eq!(hazy_job_state(ptr::null()), JobState::Unknown);
            assert_eq!(hazy_job_progress(ptr::null()), 0.0);
            assert_eq!(hazy_job_list_len(ptr::null()), 0);
            assert!(hazy_job_list_get(ptr::null(), 0).is_null());
            assert_eq!(hazy_model_list_len(ptr::null()), 0);
            assert!(hazy_model_list_get(ptr::null(), 3).is_null());
            assert_eq!(text(hazy_model_id(ptr::null())), Some(""));
            assert_eq!(hazy_model_epsilon(ptr::null()), -1.0);
            hazy_error_free(ptr::null_mut());
            hazy_job_free(ptr::null_mut());
            hazy_job_list_free(ptr::null_mut());
            hazy_model_list_free(ptr::null_mut());
            hazy_string_free(ptr::null_mut());
            hazy_cancel_token_cancel(ptr::null());
            hazy_cancel_token_free(ptr::null_mut());
            hazy_client_close(ptr::null_mut());
            hazy_free(ptr::null_mut());
        }
    }

    #[test]
    fn names_are_static_and_total() {
        unsafe {
            for n in -2..20 {
                let status = text(hazy_status_name(n)).unwrap();
                let known = Status::ALL.iter().any(|s| *s as i32 == n);
                assert_eq!(status == "UNKNOWN", !known, "{n}: {status}");
                let state = text(hazy_state_name(n)).unwrap();
                assert_eq!(state == "unknown", !(1..=5).contains(&n), "{n}: {state}");
            }
            assert_eq!(text(hazy_status_name(Status::Panic as i32)), Some("PANIC"));
            assert_eq!(text(hazy_status_name(Status::Closed as i32)), Some("CLOSED"));
            assert_eq!(text(hazy_version()), Some(hazy::VERSION));
        }
    }

    #[test]
    fn a_cancel_token_is_shared_between_threads() {
        let token = hazy_cancel_token_new();
        assert!(!token.is_null());
        // Raw pointers are not Send; C hands them to other threads all the same.
        struct Shared(*const hazy_cancel_token_t);
        unsafe impl Send for Shared {}
        impl Shared {
            fn get(&self) -> *const hazy_cancel_token_t {
                self.0
            }
        }
        let cancellers: Vec<_> = (0..2)
            .map(|_| {
                let shared = Shared(token);
                std::thread::spawn(move || unsafe { hazy_cancel_token_cancel(shared.get()) })
            })
            .collect();
        cancellers.into_iter().for_each(|t| t.join().unwrap());
        unsafe {
            hazy_cancel_token_cancel(token);
            hazy_cancel_token_free(token);
        }
    }

    #[test]
    fn library_strings_are_wiped_and_freed() {
        // hazy_access_token hands out a CString::into_raw; this is that same shape.
        let token = CString::new("t0ken-value").unwrap().into_raw();
        unsafe { hazy_string_free(token) };
    }
}
