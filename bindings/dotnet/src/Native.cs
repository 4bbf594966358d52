// The C API of include/hazy.h, one declaration per function used. Every string argument is a
// NUL-terminated UTF-8 byte[] made by Utf8.Encode (null passes NULL); every string result is an
// IntPtr read by Utf8.Decode. Owned objects come back as the SafeHandle of their kind; their
// *_free functions take the bare pointer (they run from SafeHandle.ReleaseHandle).
//
// The library name is "hazy": libhazy.so on Linux, hazy.dll on Windows. LibraryLoader (run by
// the public entry points, before any of these is bound) says where the file is.
using System;
using System.Runtime.InteropServices;

namespace Hazy
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int ProgressFn(IntPtr job, IntPtr userdata);

    internal static class Native
    {
        internal const string Lib = "hazy";

        // Mono binds a DllImport when it compiles a method that calls it (before that method or
        // its class's static constructor runs), so a public entry point (HazyLibrary's members,
        // HazyClient's constructor) calls this first and only then a NoInlining method that makes
        // the native calls. Everything else needs a HazyClient, so runs after.
        internal static void EnsureLoaded()
        {
            LibraryLoader.Init();
        }

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_status_name(int status);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_state_name(int state);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_string_free(IntPtr s);

        // ---- options

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern OptionsHandle hazy_options_new();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_options_set(OptionsHandle options, byte[] key, byte[] value, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_options_load_env(OptionsHandle options, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_options_free(IntPtr options);

        // ---- client

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_client_new(OptionsHandle options, out ClientHandle client, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_client_close(ClientHandle client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_free(IntPtr client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_authenticate(ClientHandle client, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_authenticate_client_credentials(ClientHandle client, byte[] clientId,
            byte[] clientSecret, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_authenticate_password(ClientHandle client, byte[] clientId, byte[] clientSecret,
            byte[] username, byte[] password, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_authenticate_bearer(ClientHandle client, byte[] token, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_access_token(ClientHandle client, out NativeStringHandle token, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_logout(ClientHandle client, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern ulong hazy_token_request_count(ClientHandle client);

        // ---- errors

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_error_status(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_message(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern ushort hazy_error_http_status(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_oauth_error(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_oauth_description(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_field(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_idempotency_key(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_error_request_id(ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_error_free(IntPtr error);

        // ---- jobs

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_train_with_key(ClientHandle client, byte[] projectId, byte[] configJson,
            byte[] idempotencyKey, out JobHandle job, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_generate_with_key(ClientHandle client, byte[] projectId, byte[] modelId,
            ulong numRows, byte[] configJson, byte[] idempotencyKey, out JobHandle job, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_job_get(ClientHandle client, byte[] jobId, out JobHandle job, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_job_cancel(ClientHandle client, byte[] jobId, out JobHandle job, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_job_wait(ClientHandle client, byte[] jobId, ulong timeoutMs, ProgressFn progress,
            IntPtr userdata, CancelTokenHandle cancel, out JobHandle job, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_id(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_project_id(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_kind(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_job_state(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_raw_state(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern double hazy_job_progress(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_model_id(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_failure_reason(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_output_location(IntPtr job);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_job_free(IntPtr job);

        // ---- lists

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_jobs_list(ClientHandle client, byte[] projectId, out JobListHandle list, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr hazy_job_list_len(JobListHandle list);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_job_list_get(JobListHandle list, UIntPtr index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_job_list_free(IntPtr list);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int hazy_models_list(ClientHandle client, byte[] projectId, out ModelListHandle list, out ErrorHandle error);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr hazy_model_list_len(ModelListHandle list);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_model_list_get(ModelListHandle list, UIntPtr index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_model_list_free(IntPtr list);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_model_id(IntPtr model);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_model_project_id(IntPtr model);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_model_train_job_id(IntPtr model);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern IntPtr hazy_model_generator_type(IntPtr model);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern double hazy_model_epsilon(IntPtr model);

        // ---- cancel tokens

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern CancelTokenHandle hazy_cancel_token_new();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_cancel_token_cancel(CancelTokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void hazy_cancel_token_free(IntPtr token);
    }
}
