// One SafeHandle subclass per kind of object libhazy hands out. Each frees its object with the
// kind's own hazy_*_free, once, from Dispose or (when nobody disposed it) from the finalizer
// thread; the runtime's reference count on a SafeHandle keeps the object alive while a native
// call that was passed the handle is still running on another thread.
using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Hazy
{
    /// <summary>The kinds of native object, for <see cref="HandleStats"/>.</summary>
    internal enum HandleKind
    {
        Client, Options, Job, JobList, ModelList, Error, CancelToken, String,
    }

    /// <summary>
    /// How many native objects of each kind the binding took ownership of, and how many it freed:
    /// the tests read it to check that finalizers free what was never disposed.
    /// </summary>
    internal static class HandleStats
    {
        private static readonly long[] Taken = new long[8];
        private static readonly long[] Freed = new long[8];

        internal static void Take(HazyHandle h)
        {
            if (h != null && !h.IsInvalid)
            {
                Interlocked.Increment(ref Taken[(int)h.Kind]);
            }
        }

        internal static void Free(HandleKind kind)
        {
            Interlocked.Increment(ref Freed[(int)kind]);
        }

        internal static long TakenCount(HandleKind kind)
        {
            return Interlocked.Read(ref Taken[(int)kind]);
        }

        internal static long FreedCount(HandleKind kind)
        {
            return Interlocked.Read(ref Freed[(int)kind]);
        }

        /// <summary>Objects of <paramref name="kind"/> taken and not yet freed.</summary>
        internal static long Live(HandleKind kind)
        {
            return TakenCount(kind) - FreedCount(kind);
        }
    }

    /// <summary>A pointer owned by this binding; NULL is invalid (and never freed).</summary>
    internal abstract class HazyHandle : SafeHandle
    {
        protected HazyHandle() : base(IntPtr.Zero, true)
        {
        }

        internal abstract HandleKind Kind { get; }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        protected abstract void Free(IntPtr p);

        protected override bool ReleaseHandle()
        {
            Free(handle);
            HandleStats.Free(Kind);
            return true;
        }
    }

    internal sealed class ClientHandle : HazyHandle
    {
        public ClientHandle() { }
        internal override HandleKind Kind { get { return HandleKind.Client; } }
        // hazy_free closes the client first (waits in progress end with CLOSED) and frees the
        // handle when the last call on it returns: safe from the finalizer thread.
        protected override void Free(IntPtr p) { Native.hazy_free(p); }
    }

    internal sealed class OptionsHandle : HazyHandle
    {
        public OptionsHandle() { }
        internal override HandleKind Kind { get { return HandleKind.Options; } }
        protected override void Free(IntPtr p) { Native.hazy_options_free(p); }
    }

    internal sealed class JobHandle : HazyHandle
    {
        public JobHandle() { }
        internal override HandleKind Kind { get { return HandleKind.Job; } }
        protected override void Free(IntPtr p) { Native.hazy_job_free(p); }
    }

    internal sealed class JobListHandle : HazyHandle
    {
        public JobListHandle() { }
        internal override HandleKind Kind { get { return HandleKind.JobList; } }
        protected override void Free(IntPtr p) { Native.hazy_job_list_free(p); }
    }

    internal sealed class ModelListHandle : HazyHandle
    {
        public ModelListHandle() { }
        internal override HandleKind Kind { get { return HandleKind.ModelList; } }
        protected override void Free(IntPtr p) { Native.hazy_model_list_free(p); }
    }

    internal sealed class ErrorHandle : HazyHandle
    {
        public ErrorHandle() { }
        internal override HandleKind Kind { get { return HandleKind.Error; } }
        protected override void Free(IntPtr p) { Native.hazy_error_free(p); }
    }

    internal sealed class CancelTokenHandle : HazyHandle
    {
        public CancelTokenHandle() { }
        internal override HandleKind Kind { get { return HandleKind.CancelToken; } }
        protected override void Free(IntPtr p) { Native.hazy_cancel_token_free(p); }
    }

    /// <summary>A string returned through a <c>char **</c>: hazy_string_free wipes and frees it.</summary>
    internal sealed class NativeStringHandle : HazyHandle
    {
        public NativeStringHandle() { }
        internal override HandleKind Kind { get { return HandleKind.String; } }
        protected override void Free(IntPtr p) { Native.hazy_string_free(p); }

        internal string Read()
        {
            bool added = false;
            DangerousAddRef(ref added);
            try
            {
                return Utf8.Decode(handle);
            }
            finally
            {
                if (added)
                {
                    DangerousRelease();
                }
            }
        }
    }
}
