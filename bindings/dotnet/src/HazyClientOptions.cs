using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Hazy
{
    /// <summary>
    /// Settings for a <see cref="HazyClient"/>. Every setting is a libhazy option (docs/configuration.md
    /// lists them); the properties are shortcuts for the common ones, and <see cref="Set"/> takes
    /// any other. Applied in this order: the HAZY_* environment (when <see cref="LoadEnvironment"/>),
    /// the properties that are set, then the <see cref="Set"/> calls in order; a later value wins.
    /// ToString masks secrets.
    /// </summary>
    public sealed class HazyClientOptions
    {
        private static readonly HashSet<string> SecretKeys = new HashSet<string>(StringComparer.Ordinal)
        {
            "client_secret", "password", "access_token", "credential_command", "credential_command_shell",
        };

        private readonly List<KeyValuePair<string, string>> extra = new List<KeyValuePair<string, string>>();

        /// <summary>Read the HAZY_* environment variables first (HAZY_HUB_HOST, HAZY_CLIENT_ID, ...).</summary>
        public bool LoadEnvironment { get; set; }
        /// <summary>The Hub's base URL (option host).</summary>
        public string Host { get; set; }
        /// <summary>The Keycloak realm (default "hazy").</summary>
        public string Realm { get; set; }
        /// <summary>Keycloak's token endpoint, when it is not under the Hub's host.</summary>
        public string TokenUrl { get; set; }
        /// <summary>For the client_credentials (or password) grant.</summary>
        public string ClientId { get; set; }
        /// <summary>For the client_credentials grant. Prefer Set("client_secret_file", path) in production.</summary>
        public string ClientSecret { get; set; }
        /// <summary>For the password grant.</summary>
        public string Username { get; set; }
        /// <summary>For the password grant.</summary>
        public string Password { get; set; }
        /// <summary>A PEM bundle of CA certificates to trust.</summary>
        public string CaBundle { get; set; }
        /// <summary>The User-Agent sent with every request.</summary>
        public string UserAgent { get; set; }
        /// <summary>How long connecting may take.</summary>
        public TimeSpan? ConnectTimeout { get; set; }
        /// <summary>How long one request may take.</summary>
        public TimeSpan? RequestTimeout { get; set; }
        /// <summary>How often a wait polls the job.</summary>
        public TimeSpan? PollInterval { get; set; }
        /// <summary>Attempts per request (1: no retry).</summary>
        public int? RetryMaxAttempts { get; set; }

        /// <summary>Sets libhazy option <paramref name="key"/> (e.g. "proxy", "client_secret_file"); null or "" clears an optional one.</summary>
        public HazyClientOptions Set(string key, string value)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }
            extra.Add(new KeyValuePair<string, string>(key, value));
            return this;
        }

        /// <summary>Every option this object sets, in the order they are applied (after the environment).</summary>
        internal List<KeyValuePair<string, string>> Pairs()
        {
            var pairs = new List<KeyValuePair<string, string>>();
            Add(pairs, "host", Host);
            Add(pairs, "realm", Realm);
            Add(pairs, "token_url", TokenUrl);
            Add(pairs, "client_id", ClientId);
            Add(pairs, "client_secret", ClientSecret);
            Add(pairs, "username", Username);
            Add(pairs, "password", Password);
            Add(pairs, "ca_bundle", CaBundle);
            Add(pairs, "user_agent", UserAgent);
            Add(pairs, "connect_timeout_ms", Millis(ConnectTimeout, "ConnectTimeout"));
            Add(pairs, "request_timeout_ms", Millis(RequestTimeout, "RequestTimeout"));
            Add(pairs, "poll_interval_ms", Millis(PollInterval, "PollInterval"));
            Add(pairs, "retry_max_attempts",
                RetryMaxAttempts.HasValue ? RetryMaxAttempts.Value.ToString(CultureInfo.InvariantCulture) : null);
            pairs.AddRange(extra);
            return pairs;
        }

        private static void Add(List<KeyValuePair<string, string>> pairs, string key, string value)
        {
            if (value != null)
            {
                pairs.Add(new KeyValuePair<string, string>(key, value));
            }
        }

        internal static string Millis(TimeSpan? t, string name)
        {
            if (!t.HasValue)
            {
                return null;
            }
            if (t.Value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, t.Value, name + " must not be negative");
            }
            return ((ulong)Math.Ceiling(t.Value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>The settings, with secrets replaced by "***".</summary>
        public override string ToString()
        {
            var sb = new StringBuilder("HazyClientOptions(");
            if (LoadEnvironment)
            {
                sb.Append("environment");
            }
            foreach (var kv in Pairs())
            {
                sb.Append(sb.Length > "HazyClientOptions(".Length ? ", " : "").Append(kv.Key).Append('=')
                    .Append(SecretKeys.Contains(kv.Key) && !string.IsNullOrEmpty(kv.Value) ? "***" : kv.Value);
            }
            return sb.Append(')').ToString();
        }
    }
}
