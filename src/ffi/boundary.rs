//! What every exported function does at the boundary: catch panics, check pointers and
//! strings, report errors through the `error` out-parameter.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::error::{Error, Result};
use crate::status::Status;

/// Runs `body`, turning a panic into a `Status::Panic` error (reported by `error::guard`).
pub fn catch(body: impl FnOnce() -> Result<()>) -> Result<()> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| Err(panic_error(payload)))
}

/// For functions that return a value rather than a status: a panic yields `fallback`.
pub fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    Error::new(Status::Panic, format!("internal error in libhazy (a bug; please report it): {what}"))
}

/// A required string argument: not NULL, UTF-8, not empty.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub unsafe fn required_str<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    match optional_str(p, name)? {
        Some(s) if !s.is_empty() => Ok(s),
        Some(_) => Err(Error::invalid_argument(format!("argument '{name}' is empty"))),
        None => Err(Error::invalid_argument(format!("argument '{name}' is NULL"))),
    }
}

/// An optional string argument: NULL is None; otherwise it must be UTF-8.
///
/// # Safety
/// As for [`required_str`].
pub unsafe fn optional_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(p)
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid_argument(format!("argument '{name}' is not valid UTF-8")))
}

/// Checks a pointer argument the caller must supply.
pub fn required_ptr<T>(p: *const T, name: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::invalid_argument(format!("argument '{name}' is NULL")))
    } else {
        Ok(())
    }
}

/// Moves a value to the heap and into a caller's out-parameter.
///
/// # Safety
/// `out` is non-NULL (checked by the caller with [`required_ptr`]) and writable.
pub unsafe fn write_box<T>(out: *mut *mut T, value: T) {
    *out = Box::into_raw(Box::new(value));
}

/// Frees an object handed out by `write_box`; NULL does nothing.
///
/// # Safety
/// `p` is NULL or came from `write_box::<T>` and has not been freed.
pub unsafe fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        drop(Box::from_raw(p));
    }
}

/// A C copy of library text. Interior NULs (never expected) become spaces rather than
/// truncating or failing.
pub fn c_string(s: &str) -> CString {
    // One allocation, with room for the NUL: `replace` and then `CString::new` made a copy
    // and grew it again, for every string of every job handle.
    let mut bytes = Vec::with_capacity(s.len() + 1);
    bytes.extend(s.bytes().map(|b| if b == 0 { b' ' } else { b }));
    CString::new(bytes).expect("NULs were replaced")
}

/// Borrows an optional C string for a getter.
pub fn c_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_strings_keep_the_text_and_turn_nuls_into_spaces() {
        assert_eq!(c_string("job-1").as_bytes(), b"job-1");
        assert_eq!(c_string("").as_bytes(), b"");
        assert_eq!(c_string("a\0b\0").as_bytes(), b"a b ");
        assert_eq!(c_string("é").as_bytes(), "é".as_bytes());
    }
}
