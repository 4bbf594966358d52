package com.hazy;

import com.sun.jna.Callback;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C API of include/hazy.h, mapped by JNA. Package-private: the public API wraps it.
 * Strings are passed and read as UTF-8 (the loader sets the library's string encoding).
 * Opaque handles are {@link Pointer}s; {@code hazy_status}/{@code hazy_state} are ints.
 */
interface HazyNative extends Library {

    /** {@code size_t}, whatever its width on the platform. */
    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    /** {@code typedef int32_t (*hazy_progress_fn)(const hazy_job_t *job, void *userdata)}. */
    interface ProgressFn extends Callback {
        int invoke(Pointer job, Pointer userdata);
    }

    /** {@code typedef void (*hazy_log_fn)(const hazy_log_record_t *record, void *userdata)}. */
    interface LogFn extends Callback {
        void invoke(Pointer record, Pointer userdata);
    }

    // cancel tokens
    Pointer hazy_cancel_token_new();

    void hazy_cancel_token_cancel(Pointer token);

    void hazy_cancel_token_free(Pointer token);

    // options
    Pointer hazy_options_new();

    int hazy_options_set(Pointer options, String key, String value, PointerByReference error);

    int hazy_options_load_env(Pointer options, PointerByReference error);

    void hazy_options_free(Pointer options);

    int hazy_options_set_log_callback(Pointer options, LogFn callback, Pointer userdata, int minLevel,
            PointerByReference error);

    // client
    int hazy_client_new(Pointer options, PointerByReference clientOut, PointerByReference error);

    void hazy_free(Pointer client);

    void hazy_client_close(Pointer client);

    int hazy_client_with_traceparent(Pointer client, String traceparent, PointerByReference viewOut,
            PointerByReference error);

    int hazy_authenticate(Pointer client, PointerByReference error);

    int hazy_authenticate_client_credentials(Pointer client, String clientId, String clientSecret,
            PointerByReference error);

    int hazy_authenticate_password(Pointer client, String clientId, String clientSecret, String username,
            String password, PointerByReference error);

    int hazy_authenticate_bearer(Pointer client, String token, PointerByReference error);

    int hazy_access_token(Pointer client, PointerByReference tokenOut, PointerByReference error);

    int hazy_logout(Pointer client, PointerByReference error);

    long hazy_token_request_count(Pointer client);

    // errors
    int hazy_error_status(Pointer error);

    String hazy_error_message(Pointer error);

    short hazy_error_http_status(Pointer error);

    String hazy_error_oauth_error(Pointer error);

    String hazy_error_oauth_description(Pointer error);

    String hazy_error_field(Pointer error);

    String hazy_error_idempotency_key(Pointer error);

    String hazy_error_request_id(Pointer error);

    void hazy_error_free(Pointer error);

    // static strings
    String hazy_status_name(int status);

    String hazy_state_name(int state);

    String hazy_version();

    void hazy_string_free(Pointer s);

    // log records (borrowed: valid only during the log callback)
    int hazy_log_record_level(Pointer record);

    String hazy_log_record_event(Pointer record);

    String hazy_log_record_message(Pointer record);

    String hazy_log_record_method(Pointer record);

    String hazy_log_record_url(Pointer record);

    short hazy_log_record_http_status(Pointer record);

    int hazy_log_record_attempt(Pointer record);

    long hazy_log_record_delay_ms(Pointer record);

    long hazy_log_record_elapsed_ms(Pointer record);

    String hazy_log_record_request_id(Pointer record);

    String hazy_log_record_job_id(Pointer record);

    String hazy_log_record_trace_id(Pointer record);

    String hazy_log_record_span_id(Pointer record);

    // jobs
    int hazy_train_with_key(Pointer client, String projectId, String configJson, String idempotencyKey,
            PointerByReference jobOut, PointerByReference error);

    int hazy_generate_with_key(Pointer client, String projectId, String modelId, long numRows, String configJson,
            String idempotencyKey, PointerByReference jobOut, PointerByReference error);

    int hazy_job_get(Pointer client, String jobId, PointerByReference jobOut, PointerByReference error);

    int hazy_job_cancel(Pointer client, String jobId, PointerByReference jobOut, PointerByReference error);

    int hazy_job_wait(Pointer client, String jobId, long timeoutMs, ProgressFn progress, Pointer userdata,
            Pointer cancel, PointerByReference jobOut, PointerByReference error);

    String hazy_job_id(Pointer job);

    String hazy_job_project_id(Pointer job);

    String hazy_job_kind(Pointer job);

    int hazy_job_state(Pointer job);

    String hazy_job_raw_state(Pointer job);

    double hazy_job_progress(Pointer job);

    String hazy_job_model_id(Pointer job);

    String hazy_job_failure_reason(Pointer job);

    String hazy_job_output_location(Pointer job);

    void hazy_job_free(Pointer job);

    // lists
    int hazy_jobs_list(Pointer client, String projectId, PointerByReference listOut, PointerByReference error);

    SizeT hazy_job_list_len(Pointer list);

    Pointer hazy_job_list_get(Pointer list, SizeT index);

    void hazy_job_list_free(Pointer list);

    int hazy_models_list(Pointer client, String projectId, PointerByReference listOut, PointerByReference error);

    SizeT hazy_model_list_len(Pointer list);

    Pointer hazy_model_list_get(Pointer list, SizeT index);

    void hazy_model_list_free(Pointer list);

    String hazy_model_id(Pointer model);

    String hazy_model_project_id(Pointer model);

    String hazy_model_train_job_id(Pointer model);

    String hazy_model_generator_type(Pointer model);

    double hazy_model_epsilon(Pointer model);
}
