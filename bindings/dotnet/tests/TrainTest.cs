// Authenticate and train: the happy paths through the binding.
using System;
using System.Linq;
using NUnit.Framework;

namespace Hazy.Tests
{
    [TestFixture]
    public class TrainTest
    {
        [Test]
        public void AuthenticateTrainWaitAndList()
        {
            using (HazyClient c = TestSupport.Client())
            {
                Assert.AreEqual(1, c.TokenRequestCount);
                string project = TestSupport.Project();
                TestSupport.JobDuration(project, 500);
                Job job = c.Train(project, TestSupport.Config);
                Assert.AreEqual("train", job.Kind);
                Assert.AreEqual(project, job.ProjectId);
                Assert.IsFalse(string.IsNullOrEmpty(job.Id));
                Assert.IsFalse(job.IsFinished);

                Job done = c.WaitForJob(job.Id, TimeSpan.FromSeconds(60));
                Assert.AreEqual(JobState.Succeeded, done.State);
                Assert.AreEqual(1.0, done.Progress, 1e-9);
                Assert.IsTrue(done.IsFinished);
                Assert.IsNotNull(done.ModelId);
                Assert.IsNull(done.FailureReason);

                Assert.AreEqual(new[] { job.Id }, c.ListJobs(project).Select(j => j.Id).ToArray());
                Model model = c.ListModels(project).Single();
                Assert.AreEqual(done.ModelId, model.Id);
                Assert.AreEqual(job.Id, model.TrainJobId);
                Assert.AreEqual("priv_bayes", model.GeneratorType);
                Assert.AreEqual(1000.0, model.Epsilon);
            }
        }

        [Test]
        public void PasswordGrant()
        {
            using (var c = new HazyClient(TestSupport.Options()))
            {
                c.AuthenticatePassword(TestSupport.Env("HAZY_TEST_NO_SERVICE_ACCOUNT_CLIENT_ID"),
                    TestSupport.Env("HAZY_TEST_NO_SERVICE_ACCOUNT_CLIENT_SECRET"),
                    TestSupport.Env("HAZY_TEST_USERNAME"), TestSupport.Env("HAZY_TEST_PASSWORD"));
                Assert.AreEqual(0, c.ListJobs(TestSupport.Project()).Count);
            }
        }

        // Logout reaches the library and throws its statuses; what Keycloak does with it is tested
        // once, in tests/integration/test_logout.py.
        [Test]
        public void LogoutAfterAPasswordGrant()
        {
            using (var c = new HazyClient(TestSupport.Options()))
            {
                c.AuthenticatePassword(TestSupport.Env("HAZY_TEST_NO_SERVICE_ACCOUNT_CLIENT_ID"),
                    TestSupport.Env("HAZY_TEST_NO_SERVICE_ACCOUNT_CLIENT_SECRET"),
                    TestSupport.Env("HAZY_TEST_USERNAME"), TestSupport.Env("HAZY_TEST_PASSWORD"));
                c.Logout();
                c.Close();
                Assert.AreEqual(HazyStatus.Closed, Assert.Throws<ClosedException>(() => c.Logout()).Status);
            }
            using (var c = new HazyClient(TestSupport.Options()))
            {
                c.AuthenticateBearer("given.bearer.token");
                Assert.AreEqual(HazyStatus.InvalidArgument, Assert.Throws<InvalidArgumentException>(() => c.Logout()).Status);
            }
        }

        [Test]
        public void CredentialsFromOptionsAndTheEnvironment()
        {
            var o = TestSupport.Options();
            o.ClientId = TestSupport.ClientId;
            o.ClientSecret = TestSupport.ClientSecret;
            using (var c = new HazyClient(o))
            {
                c.Authenticate();
                Assert.AreEqual(1, c.TokenRequestCount);
            }
            // HAZY_* variables, with explicit settings winning over them.
            Environment.SetEnvironmentVariable("HAZY_HUB_HOST", "http://127.0.0.1:1");
            Environment.SetEnvironmentVariable("HAZY_CLIENT_ID", TestSupport.ClientId);
            Environment.SetEnvironmentVariable("HAZY_CLIENT_SECRET", TestSupport.ClientSecret);
            try
            {
                var env = TestSupport.Options();
                env.LoadEnvironment = true;
                using (var c = new HazyClient(env))
                {
                    c.Authenticate();
                    Assert.AreEqual(0, c.ListJobs(TestSupport.Project()).Count);
                }
            }
            finally
            {
                Environment.SetEnvironmentVariable("HAZY_HUB_HOST", null);
                Environment.SetEnvironmentVariable("HAZY_CLIENT_ID", null);
                Environment.SetEnvironmentVariable("HAZY_CLIENT_SECRET", null);
            }
        }

        [Test]
        public void GenerateFromTheTrainedModel()
        {
            using (HazyClient c = TestSupport.Client())
            {
                string project = TestSupport.Project();
                TestSupport.JobDuration(project, 300);
                Job trained = c.WaitForJob(c.Train(project, TestSupport.Config).Id, TimeSpan.FromSeconds(60));
                Job gen = c.Generate(project, trained.ModelId, 100);
                Assert.AreEqual("generate", gen.Kind);
                Assert.AreEqual(trained.ModelId, gen.ModelId);
                Assert.AreEqual(JobState.Succeeded, c.WaitForJob(gen.Id, TimeSpan.FromSeconds(60)).State);
            }
        }
    }
}
