using System;
using System.Runtime.InteropServices;
using System.Text;
using Com.Zoho.API.Authenticator;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>
    /// ZohoTokenStore passes the C# SDK's refresh lead: a find of a token that SDK will not refresh yet
    /// takes no refresh lease, so no other process waits for a refresh that never comes.
    /// </summary>
    public class LeaseTests : IDisposable
    {
        private readonly TempDirectory temp = new TempDirectory();

        public void Dispose()
        {
            temp.Dispose();
        }

        private static string ExpiringIn(long ms)
        {
            return (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + ms).ToString();
        }

        [Test]
        public void ATokenExpiringIn3SecondsTakesNoLeaseFromTheCSharpSdkStore()
        {
            string path = temp.File("tokens.db");
            using (var store = new ZohoTokenStore(path))
            using (var other = new RawStore(path))
            {
                string id = store.Store.Save(With(ZohoTokenStoreTests.Stored, "expiry_time", ExpiringIn(3000)))["id"];
                var token = (OAuthToken)store.FindTokenById(id);
                Check.Equal("AT1", token.AccessToken);
                Check.Equal("[]", other.Leases());
                // Another process with the other SDKs' 5 s lead is not told to wait: it refreshes, and
                // holds the lease (which shows that this check can see one).
                Check.Equal(ZtsStatus.Ok, other.TryFindById(id));
                Check.True(other.Leases().Contains("\"id\":\"" + id + "\""), other.Leases());
            }
        }

        [Test]
        public void OptionsWithoutARefreshLeadStillGetTheCSharpSdkLead()
        {
            string path = temp.File("tokens.db");
            using (var store = new ZohoTokenStore(path, new StoreOptions { BusyTimeoutMs = 1000 }))
            using (var other = new RawStore(path))
            {
                string id = store.Store.Save(With(ZohoTokenStoreTests.Stored, "expiry_time", ExpiringIn(3000)))["id"];
                store.FindTokenById(id);
                Check.Equal("[]", other.Leases());
            }
        }

        [Test]
        public void AnExplicitRefreshLeadIsKept()
        {
            string path = temp.File("tokens.db");
            var options = new StoreOptions { RefreshLeadMs = 5000 };
            using (var store = new ZohoTokenStore(path, options))
            using (var other = new RawStore(path))
            {
                Check.Equal(5000, options.RefreshLeadMs.Value);
                string id = store.Store.Save(With(ZohoTokenStoreTests.Stored, "expiry_time", ExpiringIn(3000)))["id"];
                store.FindTokenById(id);
                Check.Equal(ZtsStatus.Refreshing, other.TryFindById(id));
            }
        }

        /// <summary>
        /// zts_try_find_by_id and zts_leases, which the binding does not wrap, on a handle of its own
        /// (default options: the 5 s lead), bound from the library the binding loaded.
        /// </summary>
        private sealed class RawStore : IDisposable
        {
            [DllImport("libdl.so.2", EntryPoint = "dlopen")]
            private static extern IntPtr DlOpen(byte[] path, int flags);
            [DllImport("libdl.so.2", EntryPoint = "dlsym")]
            private static extern IntPtr DlSym(IntPtr library, byte[] name);

            private readonly ZtsLibrary zts = ZtsLibrary.Instance;
            private readonly ZtsLibrary.TextFunction tryFindById;
            private readonly ZtsLibrary.ListFunction leases;
            private IntPtr handle;

            public RawStore(string path)
            {
                IntPtr library = DlOpen(Nul(zts.Path), 2 /* RTLD_NOW */);
                tryFindById = Marshal.GetDelegateForFunctionPointer<ZtsLibrary.TextFunction>(DlSym(library, Nul("zts_try_find_by_id")));
                leases = Marshal.GetDelegateForFunctionPointer<ZtsLibrary.ListFunction>(DlSym(library, Nul("zts_leases")));
                IntPtr error = IntPtr.Zero;
                Check.Equal(ZtsStatus.Ok, zts.Open(Nul(path), null, ref handle, ref error));
            }

            public int TryFindById(string id)
            {
                IntPtr output = IntPtr.Zero, error = IntPtr.Zero;
                int status = tryFindById(handle, Nul(id), ref output, ref error);
                zts.TakeString(ref output);
                zts.TakeString(ref error);
                return status;
            }

            public string Leases()
            {
                IntPtr output = IntPtr.Zero, error = IntPtr.Zero;
                int status = leases(handle, ref output, ref error);
                string message = zts.TakeString(ref error);
                Check.Equal(ZtsStatus.Ok, status, message);
                return zts.TakeString(ref output);
            }

            public void Dispose()
            {
                zts.Close(handle);
                handle = IntPtr.Zero;
            }

            private static byte[] Nul(string text)
            {
                return Encoding.UTF8.GetBytes(text + "\0");
            }
        }
    }
}
