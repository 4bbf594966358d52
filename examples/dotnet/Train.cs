// Authenticate against Keycloak with client credentials, train a model on the Hub and follow the
// job to completion: the C# equivalent of examples/c/train.c.
//
// Settings come from the environment: HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET (and
// optionally HAZY_REALM, HAZY_AUTH_URL, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
//
// usage: mono Train.exe [PROJECT_ID [CONFIG_JSON_FILE]]     (dotnet Train.dll on .NET)
// Ctrl+C stops waiting (the job goes on on the Hub).
using System;
using System.IO;
using System.Threading;
using Hazy;

public static class Train
{
    public static int Main(string[] args)
    {
        string projectId = args.Length > 0 ? args[0] : "demo-project";
        string configPath = args.Length > 1 ? args[1] : "examples/training-config.json";

        Console.WriteLine("libhazy " + HazyLibrary.Version);
        string config;
        try
        {
            config = File.ReadAllText(configPath);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: cannot read training config '" + configPath + "': " + e.Message);
            return 1;
        }

        using (var stop = new CancellationTokenSource())
        // Host, realm, token URL, CA bundle, timeouts and the credentials: all from HAZY_*.
        using (HazyClient client = HazyClient.FromEnvironment())
        {
            Console.CancelKeyPress += (sender, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            try
            {
                client.Authenticate();
                Console.WriteLine("authenticated with Keycloak");

                Job job = client.Train(projectId, config);
                Console.WriteLine("submitted training job " + job.Id + " to project " + projectId);

                // No timeout: a training job takes as long as it takes; tokens renew underneath.
                // One line per change of state or percent (a job can reach 100% before it succeeds).
                string last = "";
                var progress = new Reporter(p =>
                {
                    string line = string.Format("  {0,-9} {1,3}%", p.State.ToString().ToLowerInvariant(),
                        (int)Math.Round(p.Fraction * 100));
                    if (line != last)
                    {
                        Console.WriteLine(line);
                        last = line;
                    }
                });
                Job done = client.WaitForJob(job.Id, null, progress, stop.Token);
                Console.WriteLine("training succeeded: model id " + done.ModelId);
                return 0;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("stopped waiting; the job goes on on the Hub");
                return 130;
            }
            catch (HazyException e)
            {
                // Status tells Auth, Forbidden, Validation, Network, JobFailed, ... apart.
                Console.Error.WriteLine("error: " + e.Status + ": " + e.Detail);
                if (e.HttpStatus != 0)
                {
                    Console.Error.WriteLine("       HTTP status " + e.HttpStatus
                        + (e.OAuthError != null ? ", server error code '" + e.OAuthError + "'" : ""));
                }
                if (e.Field != null)
                {
                    Console.Error.WriteLine("       field or scope: " + e.Field);
                }
                return 1;
            }
        }
    }

    // Called on the waiting thread after every poll. (System.Progress<T> would post each report
    // to the thread pool or the UI's SynchronizationContext instead.)
    private sealed class Reporter : IProgress<JobProgress>
    {
        private readonly Action<JobProgress> action;

        public Reporter(Action<JobProgress> action)
        {
            this.action = action;
        }

        public void Report(JobProgress value)
        {
            action(value);
        }
    }
}
