// Lifetimes: Dispose and Close while another thread waits, and finalizers freeing what nobody disposed.
using System;
using System.Runtime.CompilerServices;
using System.Threading;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class LifetimeTest
    {
        private static void WaitThenClose(bool dispose)
        {
            HazyClient c = TestSupport.Client();
            Job job = TestSupport.Train(c, 60000);
            var polled = new ManualResetEvent(false);
            var thrown = new Exception[1];
            long clientsFreed = HandleStats.FreedCount(HandleKind.Client);
            Thread t = TestSupport.Start(() => c.WaitForJob(job.Id, null, new Reporter(p => polled.Set())), thrown);
            Assert.IsTrue(polled.WaitOne(10000), "the wait is in progress");
            if (dispose)
            {
                c.Dispose();
            }
            else
            {
                c.Close();
            }
            TestSupport.Join(t, 5000);
            var e = thrown[0] as ClosedException;
            Assert.IsNotNull(e, "ClosedException in the waiting thread, got " + thrown[0]);
            Assert.AreEqual(HazyStatus.Closed, e.Status);
            if (dispose)
            {
                // The wait held the handle; its end released the last reference, which freed it.
                Assert.AreEqual(clientsFreed + 1, HandleStats.FreedCount(HandleKind.Client));
                Assert.Throws<ObjectDisposedException>(() => c.GetJob(job.Id));
            }
            else
            {
                Assert.AreEqual(clientsFreed, HandleStats.FreedCount(HandleKind.Client), "Close does not free the handle");
                Assert.Throws<ClosedException>(() => c.GetJob(job.Id));
                c.Dispose();
                Assert.AreEqual(clientsFreed + 1, HandleStats.FreedCount(HandleKind.Client));
            }
            using (HazyClient other = TestSupport.Client())
            {
                other.CancelJob(job.Id);
            }
        }

        [Test]
        public void DisposeWhileAnotherThreadWaitsEndsTheWaitWithClosed()
        {
            WaitThenClose(true);
        }

        [Test]
        public void CloseWhileAnotherThreadWaitsEndsTheWaitWithClosed()
        {
            WaitThenClose(false);
        }

        // NoInlining: no reference to what it makes stays in the caller's frame.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeGarbage(int n)
        {
            for (int i = 0; i < n; i++)
            {
                // A client used and never disposed.
                var c = new HazyClient(new HazyClientOptions { Host = TestSupport.HubUrl });
                c.AuthenticateBearer("not.a.token");
                // Native objects of the other kinds, taken and dropped without Dispose.
                OptionsHandle o = Native.hazy_options_new();
                HandleStats.Take(o);
                ErrorHandle err;
                Native.hazy_options_set(o, Utf8.Encode("no_such_option", "key"), Utf8.Encode("1", "value"), out err);
                HandleStats.Take(err);
                Assert.IsFalse(err.IsInvalid, "an unknown option gives an error object");
                CancelTokenHandle token = Native.hazy_cancel_token_new();
                HandleStats.Take(token);
            }
        }

        private static readonly HandleKind[] Kinds = { HandleKind.Client, HandleKind.Options, HandleKind.Error, HandleKind.CancelToken };

        [Test]
        public void FinalizersFreeWhatWasNeverDisposed()
        {
            Assert.IsNotNull(HazyLibrary.Version); // loaded before MakeGarbage is compiled
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var live = new long[Kinds.Length];
            for (int k = 0; k < Kinds.Length; k++)
            {
                live[k] = HandleStats.Live(Kinds[k]);
            }
            long clientsFreed = HandleStats.FreedCount(HandleKind.Client);
            for (int cycle = 0; cycle < 5; cycle++)
            {
                MakeGarbage(20);
                // Mono's collector scans stacks conservatively: a few rounds may be needed.
                for (int round = 0; round < 10 && HandleStats.Live(HandleKind.Client) > live[0]; round++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            }
            for (int k = 0; k < Kinds.Length; k++)
            {
                Assert.LessOrEqual(HandleStats.Live(Kinds[k]), live[k] + 2,
                    Kinds[k] + ": taken " + HandleStats.TakenCount(Kinds[k]) + ", freed " + HandleStats.FreedCount(Kinds[k]));
            }
            Assert.GreaterOrEqual(HandleStats.FreedCount(HandleKind.Client) - clientsFreed, 98, "finalizers freed the clients");
            // The library still works after 100 clients were freed on the finalizer thread.
            using (HazyClient c = TestSupport.Client())
            {
                Assert.AreEqual(0, c.ListJobs(TestSupport.Project()).Count);
            }
        }

        [Test]
        public void FinalizerOfAClosedClientAndDisposeAfterCloseAreSafe()
        {
            HazyClient c = new HazyClient(TestSupport.Options());
            c.Close();
            c.Dispose();
            c.Close(); // after Dispose: nothing to do
            Assert.IsTrue(c.IsDisposed);
        }
    }
}
