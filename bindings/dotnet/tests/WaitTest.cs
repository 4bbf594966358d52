// hazy_job_wait through the binding: IProgress for the progress callback, CancellationToken for
// the cancel token, and what happens when the callback throws.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class WaitTest
    {
        [Test]
        public void ProgressIsReportedOnTheWaitingThreadAfterEveryPoll()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 1500);
                var seen = new List<JobProgress>();
                int thread = Thread.CurrentThread.ManagedThreadId;
                bool otherThread = false;
                Job done = c.WaitForJob(job.Id, TimeSpan.FromSeconds(60), new Reporter(p =>
                {
                    seen.Add(p);
                    otherThread |= Thread.CurrentThread.ManagedThreadId != thread;
                }));
                Assert.AreEqual(JobState.Succeeded, done.State);
                Assert.IsFalse(otherThread, "the callback runs on the thread that waits");
                Assert.Greater(seen.Count, 3, "a report per poll (100 ms) over 1.5 s");
                Assert.IsTrue(seen.Exists(p => p.State == JobState.Running), "running was reported");
                Assert.AreEqual(JobState.Succeeded, seen[seen.Count - 1].State);
                for (int i = 1; i < seen.Count; i++)
                {
                    Assert.GreaterOrEqual(seen[i].Fraction, seen[i - 1].Fraction, "progress never goes back");
                    Assert.AreEqual(job.Id, seen[i].Job.Id);
                }
            }
        }

        [Test]
        public void CancellationTokenEndsTheWaitPromptly()
        {
            using (HazyClient c = TestSupport.Client())
            using (var cts = new CancellationTokenSource())
            {
                Job job = TestSupport.Train(c, 60000);
                var polled = new ManualResetEvent(false);
                var thrown = new Exception[1];
                var sw = new Stopwatch();
                Thread t = TestSupport.Start(() => c.WaitForJob(job.Id, null, new Reporter(p => polled.Set()), cts.Token), thrown);
                Assert.IsTrue(polled.WaitOne(10000), "the wait polled");
                sw.Start();
                cts.Cancel();
                TestSupport.Join(t, 5000);
                Assert.Less(sw.ElapsedMilliseconds, 2000, "cancelled within milliseconds, not at the job's end");
                var e = thrown[0] as OperationCanceledException;
                Assert.IsNotNull(e, "OperationCanceledException, got " + thrown[0]);
                Assert.AreEqual(cts.Token, e.CancellationToken);
                var inner = e.InnerException as CancelledException;
                Assert.IsNotNull(inner, "the library's CANCELLED inside");
                Assert.AreEqual(HazyStatus.Cancelled, inner.Status);
                // Leaving the wait does not cancel the job on the Hub.
                Assert.AreNotEqual(JobState.Cancelled, c.GetJob(job.Id).State);
                c.CancelJob(job.Id);
            }
        }

        [Test]
        public void AnAlreadyCancelledTokenReturnsAtOnce()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 60000);
                var sw = Stopwatch.StartNew();
                Assert.Throws<OperationCanceledException>(() => c.WaitForJob(job.Id, null, null, new CancellationToken(true)));
                Assert.Less(sw.ElapsedMilliseconds, 2000);
                c.CancelJob(job.Id);
            }
        }

        [Test]
        public void CancellingFromTheProgressCallbackStopsTheWait()
        {
            using (HazyClient c = TestSupport.Client())
            using (var cts = new CancellationTokenSource())
            {
                Job job = TestSupport.Train(c, 60000);
                int reports = 0;
                Assert.Throws<OperationCanceledException>(() => c.WaitForJob(job.Id, null, new Reporter(p =>
                {
                    if (++reports == 2)
                    {
                        cts.Cancel();
                    }
                }), cts.Token));
                Assert.AreEqual(2, reports, "no report after the cancel");
                c.CancelJob(job.Id);
            }
        }

        private sealed class CallbackFailure : Exception
        {
            internal CallbackFailure() : base("thrown by the progress callback") { }
        }

        [Test]
        public void AnExceptionInTheCallbackStopsTheWaitAndIsRethrown()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 60000);
                var mine = new CallbackFailure();
                int reports = 0;
                var e = Assert.Throws<CallbackFailure>(() => c.WaitForJob(job.Id, TimeSpan.FromSeconds(30), new Reporter(p =>
                {
                    reports++;
                    throw mine;
                })));
                Assert.AreSame(mine, e, "the callback's own exception, not a wrapper");
                Assert.AreEqual(1, reports, "the wait stopped at the first exception");
                StringAssert.Contains("Reporter", e.StackTrace, "its stack trace is kept");
                // The client is intact after an exception went through the callback.
                Assert.AreEqual(job.Id, c.GetJob(job.Id).Id);
                c.CancelJob(job.Id);
            }
        }

        [Test]
        public void ManyWaitsWithCallbacksKeepTheirDelegatesAlive()
        {
            // GC while the native code holds the callback's function pointer: the delegate must survive.
            using (HazyClient c = TestSupport.Client())
            {
                Job job = TestSupport.Train(c, 1000);
                int reports = 0;
                Job done = c.WaitForJob(job.Id, TimeSpan.FromSeconds(60), new Reporter(p =>
                {
                    reports++;
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }));
                Assert.AreEqual(JobState.Succeeded, done.State);
                Assert.Greater(reports, 3);
            }
        }
    }
}
