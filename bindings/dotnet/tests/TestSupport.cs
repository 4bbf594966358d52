// The test environment: the HAZY_TEST_* variables of tests/stack/stack.py (a real Keycloak and the
// Hub simulator), the realm's test principals, and the simulator's /_sim/ admin API.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Hazy.Tests
{
    internal static class TestSupport
    {
        internal const string Config =
            "{\"data_schema\":{\"tables\":[{\"name\":\"t\",\"dtypes\":[{\"type\":\"int\",\"col\":\"a\"}]}]},"
            + "\"data_input\":[{\"name\":\"t\",\"location\":\"s3://b/t.csv\"}],"
            + "\"model_parameters\":{\"generator\":{\"generator_type\":\"priv_bayes\",\"epsilon\":1000.0}}}";

        /// <summary>A config without data_schema: refused locally with VALIDATION.</summary>
        internal const string NoSchemaConfig = "{\"data_input\":[{\"name\":\"t\",\"location\":\"s3://b/t.csv\"}]}";

        /// <summary>A config whose data input the simulator fails to read: the job fails at 50%.</summary>
        internal const string FailingConfig =
            "{\"data_schema\":{\"tables\":[{\"name\":\"t\",\"dtypes\":[{\"type\":\"int\",\"col\":\"a\"}]}]},"
            + "\"data_input\":[{\"name\":\"t\",\"location\":\"sim://fail/t.csv\"}]}";

        internal static string Env(string name)
        {
            string v = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(v))
            {
                throw new InvalidOperationException(name + " is not set: run the suite through bindings/dotnet/run-tests.sh "
                    + "inside tests/stack/stack.py (make test-dotnet does), which starts Keycloak and the simulator");
            }
            return v;
        }

        internal static string HubUrl { get { return Env("HAZY_TEST_HUB_URL").TrimEnd('/'); } }
        internal static string ClientId { get { return Env("HAZY_TEST_CLIENT_ID"); } }
        internal static string ClientSecret { get { return Env("HAZY_TEST_CLIENT_SECRET"); } }

        /// <summary>A fresh project id: suites share the simulator.</summary>
        internal static string Project()
        {
            return "dotnet-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        }

        /// <summary>Options for the simulator, fast polling, no credentials.</summary>
        internal static HazyClientOptions Options()
        {
            return new HazyClientOptions
            {
                Host = HubUrl,
                PollInterval = TimeSpan.FromMilliseconds(100),
                UserAgent = "libhazy-dotnet-tests",
            };
        }

        /// <summary>A client authenticated as `api` (every scope) with client credentials.</summary>
        internal static HazyClient Client()
        {
            var c = new HazyClient(Options());
            c.AuthenticateClientCredentials(ClientId, ClientSecret);
            return c;
        }

        /// <summary>Jobs of <paramref name="project"/> submitted from now on take <paramref name="ms"/>.</summary>
        internal static void JobDuration(string project, int ms)
        {
            Http("PUT", "/_sim/projects/" + project, "{\"job_duration_ms\":" + ms + "}");
        }

        /// <summary>Submits the config in a fresh project whose jobs take <paramref name="ms"/>.</summary>
        internal static Job Train(HazyClient c, int ms)
        {
            string project = Project();
            JobDuration(project, ms);
            return c.Train(project, Config);
        }

        internal static string Http(string method, string path, string body)
        {
            var req = (HttpWebRequest)WebRequest.Create(HubUrl + path);
            req.Method = method;
            req.Timeout = 10000;
            req.Proxy = null;
            if (body != null)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                req.ContentType = "application/json";
                req.ContentLength = bytes.Length;
                using (Stream s = req.GetRequestStream())
                {
                    s.Write(bytes, 0, bytes.Length);
                }
            }
            try
            {
                using (var resp = (HttpWebResponse)req.GetResponse())
                using (var r = new StreamReader(resp.GetResponseStream(), Encoding.UTF8))
                {
                    return r.ReadToEnd();
                }
            }
            catch (WebException e)
            {
                string text = "";
                if (e.Response != null)
                {
                    using (var r = new StreamReader(e.Response.GetResponseStream(), Encoding.UTF8))
                    {
                        text = r.ReadToEnd();
                    }
                }
                throw new InvalidOperationException(method + " " + path + " failed: " + e.Message + " " + text);
            }
        }

        /// <summary>The bytes of a URL on the simulator.</summary>
        internal static byte[] HttpBytes(string path)
        {
            using (var wc = new WebClient())
            {
                wc.Proxy = null;
                return wc.DownloadData(HubUrl + path);
            }
        }

        /// <summary>Arms a simulator fault; returns its JSON.</summary>
        internal static string Fault(string json)
        {
            return Http("POST", "/_sim/faults", json);
        }

        /// <summary>A port nothing listens on.</summary>
        internal static int ClosedPort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        /// <summary>Runs <paramref name="f"/> on a new thread; the result holds what it threw (null: nothing).</summary>
        internal static Thread Start(Action f, Exception[] thrown)
        {
            var t = new Thread(() =>
            {
                try
                {
                    f();
                }
                catch (Exception e)
                {
                    thrown[0] = e;
                }
            });
            t.IsBackground = true;
            t.Start();
            return t;
        }

        internal static void Join(Thread t, int ms)
        {
            Assert.IsTrue(t.Join(ms), "the thread did not finish within " + ms + " ms");
        }
    }

    /// <summary>An IProgress that calls back synchronously (Progress&lt;T&gt; would post to a thread pool).</summary>
    internal sealed class Reporter : IProgress<JobProgress>
    {
        private readonly Action<JobProgress> action;

        internal Reporter(Action<JobProgress> action)
        {
            this.action = action;
        }

        public void Report(JobProgress value)
        {
            action(value);
        }
    }
}
