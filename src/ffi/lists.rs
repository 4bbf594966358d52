//! Job and model lists, and the `hazy_model_t` snapshot.

use std::ffi::{c_char, CString};
use std::future::Future;

use super::boundary::{c_ptr, c_string, free_box, guard_value, required_ptr, required_str, write_box};
use super::client::hazy_client_t;
use super::error::{guard, hazy_error_t};
use super::jobs::hazy_job_t;
use crate::client::Client;
use crate::error::Result;
use crate::hub::Model;
use crate::runtime;
use crate::status::Status;

/// An immutable list of job snapshots. Free with hazy_job_list_free.
pub struct hazy_job_list_t {
    items: Vec<hazy_job_t>,
}

/// An immutable snapshot of a trained model. Getters borrow from it.
pub struct hazy_model_t {
    id: CString,
    project_id: CString,
    train_job_id: Option<CString>,
    generator_type: Option<CString>,
    epsilon: Option<f64>,
}

/// An immutable list of models. Free with hazy_model_list_free.
pub struct hazy_model_list_t {
    items: Vec<hazy_model_t>,
}

impl From<Model> for hazy_model_t {
    fn from(m: Model) -> hazy_model_t {
        hazy_model_t {
            id: c_string(&m.id),
            project_id: c_string(&m.project_id),
            train_job_id: m.train_job_id.as_deref().map(c_string),
            generator_type: m.generator_type.as_deref().map(c_string),
            epsilon: m.epsilon,
        }
    }
}

/// The body shared by the list calls: check the arguments, fetch every page, hand over the list.
///
/// # Safety
/// As for the exported functions: pointers are NULL or valid.
unsafe fn fetch_list<'a, T, L, Fut>(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    list_out: *mut *mut L,
    error: *mut *mut hazy_error_t,
    // The client by value (a cheap clone): the future may not borrow the call's reference.
    fetch: impl FnOnce(Client, &'a str) -> Fut,
    wrap: impl FnOnce(Vec<T>) -> L,
) -> Status
where
    Fut: Future<Output = Result<Vec<T>>>,
{
    guard(error, || {
        required_ptr(list_out, "list_out")?;
        let c = hazy_client_t::get(client)?;
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let project = unsafe { required_str(project_id, "project_id")? };
        let items = runtime::block_on(fetch(Client::clone(&c), project))??;
        // SAFETY: the out-parameter was checked non-NULL; it is writable (the header's contract).
        unsafe { write_box(list_out, wrap(items)) };
        Ok(())
    })
}

/// Borrows item `index`, or NULL.
fn item<T>(items: Option<&Vec<T>>, index: usize) -> *const T {
    items.and_then(|items| items.get(index)).map_or(std::ptr::null(), |i| i as *const T)
}

/// Lists every job of `project_id` (all pages), oldest first, into `*list_out` (free it with
/// hazy_job_list_free; read it with hazy_job_list_len and hazy_job_list_get). Statuses as for
/// hazy_job_get.
#[no_mangle]
pub unsafe extern "C" fn hazy_jobs_list(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    list_out: *mut *mut hazy_job_list_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_list(client, project_id, list_out, error, |c, p| async move { c.list_jobs(p).await }, |jobs| hazy_job_list_t {
        items: jobs.into_iter().map(hazy_job_t::from).collect(),
    })
}

/// The number of jobs in the list; 0 when `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_list_len(list: *const hazy_job_list_t) -> usize {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(0, || unsafe { list.as_ref() }.map_or(0, |l| l.items.len()))
}

/// The job at `index`, borrowed from the list; NULL when out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_list_get(list: *const hazy_job_list_t, index: usize) -> *const hazy_job_t {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || item(unsafe { list.as_ref() }.map(|l| &l.items), index))
}

/// Frees a job list and the jobs it holds. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_job_list_free(list: *mut hazy_job_list_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(list) })
}

/// Lists every trained model of `project_id` (all pages) into `*list_out` (free it with
/// hazy_model_list_free; read it with hazy_model_list_len and hazy_model_list_get). Statuses
/// as for hazy_job_get.
#[no_mangle]
pub unsafe extern "C" fn hazy_models_list(
    client: *mut hazy_client_t,
    project_id: *const c_char,
    list_out: *mut *mut hazy_model_list_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    fetch_list(client, project_id, list_out, error, |c, p| async move { c.list_models(p).await }, |models| hazy_model_list_t {
        items: models.into_iter().map(hazy_model_t::from).collect(),
    })
}

/// The number of models in the list; 0 when `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_list_len(list: *const hazy_model_list_t) -> usize {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(0, || unsafe { list.as_ref() }.map_or(0, |l| l.items.len()))
}

/// The model at `index`, borrowed from the list; NULL when out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_list_get(list: *const hazy_model_list_t, index: usize) -> *const hazy_model_t {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(std::ptr::null(), || item(unsafe { list.as_ref() }.map(|l| &l.items), index))
}

/// Frees a model list and the models it holds. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_list_free(list: *mut hazy_model_list_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(list) })
}

fn model<'a>(p: *const hazy_model_t) -> Option<&'a hazy_model_t> {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    unsafe { p.as_ref() }
}

/// The model's id. Borrowed; "" when `model` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_id(model: *const hazy_model_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::model(model).map_or(c"".as_ptr(), |m| m.id.as_ptr()))
}

/// The model's project id. Borrowed; "" when `model` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_project_id(model: *const hazy_model_t) -> *const c_char {
    guard_value(c"".as_ptr(), || self::model(model).map_or(c"".as_ptr(), |m| m.project_id.as_ptr()))
}

/// The id of the train job that produced the model; NULL if unknown. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_train_job_id(model: *const hazy_model_t) -> *const c_char {
    guard_value(std::ptr::null(), || self::model(model).map_or(std::ptr::null(), |m| c_ptr(&m.train_job_id)))
}

/// The generator type, e.g. "priv_bayes"; NULL if unknown. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_generator_type(model: *const hazy_model_t) -> *const c_char {
    guard_value(std::ptr::null(), || self::model(model).map_or(std::ptr::null(), |m| c_ptr(&m.generator_type)))
}

/// The privacy parameter epsilon; a negative value when unknown or `model` is NULL.
#[no_mangle]
pub unsafe extern "C" fn hazy_model_epsilon(model: *const hazy_model_t) -> f64 {
    guard_value(-1.0, || self::model(model).and_then(|m| m.epsilon).unwrap_or(-1.0))
}
