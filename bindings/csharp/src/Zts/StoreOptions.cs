using System.Collections.Generic;

namespace Zts
{
    /// <summary>
    /// The options of zts_open. A property left null is not sent, so zts uses its default.
    /// </summary>
    public sealed class StoreOptions
    {
        /// <summary>How long a call waits for another process's write lock before ZTS_BUSY (default 5000).</summary>
        public int? BusyTimeoutMs { get; set; }

        /// <summary>Open without ever writing; saves, deletes and purges give ZTS_IO (default false).</summary>
        public bool? ReadOnly { get; set; }

        /// <summary>Create the file when it does not exist (default true).</summary>
        public bool? Create { get; set; }

        /// <summary>"full" (the default: a save survives a power loss) or "normal" (faster).</summary>
        public string Synchronous { get; set; }

        /// <summary>
        /// A found token whose SDK will refresh it (it expires within this many ms) takes a refresh lease
        /// (default 5000, the rule of the Python, Java, Node and PHP SDKs; ZohoTokenStore passes the C#
        /// SDK's own rule, 5, unless set).
        /// </summary>
        public int? RefreshLeadMs { get; set; }

        /// <summary>How long a refresh lease lasts (default 15000; 0 turns refresh coordination off).</summary>
        public int? RefreshLeaseMs { get; set; }

        /// <summary>A copy of these options.</summary>
        internal StoreOptions Copy()
        {
            return (StoreOptions)MemberwiseClone();
        }

        /// <summary>The options as zts_open's JSON object, or null when none is set.</summary>
        internal string ToJson()
        {
            var options = new Dictionary<string, object>();
            if (BusyTimeoutMs.HasValue) options["busy_timeout_ms"] = (long)BusyTimeoutMs.Value;
            if (ReadOnly.HasValue) options["read_only"] = ReadOnly.Value;
            if (Create.HasValue) options["create"] = Create.Value;
            if (Synchronous != null) options["synchronous"] = Synchronous;
            if (RefreshLeadMs.HasValue) options["refresh_lead_ms"] = (long)RefreshLeadMs.Value;
            if (RefreshLeaseMs.HasValue) options["refresh_lease_ms"] = (long)RefreshLeaseMs.Value;
            return options.Count == 0 ? null : TokenJson.Write(options);
        }
    }
}
