using System;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>No native memory is leaked: owned strings are freed and every handle is released.</summary>
    public class LeakTests
    {
        // Growth measured here: under 1 MB for each test. Not freeing the token strings grows RSS by
        // about 20 MB over the 100,000 calls, not freeing only the error messages of the refused calls
        // by about 5 MB, and handles that are never closed by about 1.3 GB per 10,000 (measured by
        // breaking the binding on purpose); so this bound is generous and still catches each leak.
        private const long AllowedGrowth = 2 * 1024 * 1024;

        /// <summary>RSS after a full collection, so that managed garbage does not count.</summary>
        private static long SettledRss()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return RssBytes();
        }

        private static void CheckFlat(long before, string what)
        {
            long growth = SettledRss() - before;
            Check.True(growth < AllowedGrowth, what + ": RSS grew by " + growth + " bytes");
        }

        /// <summary>save, find, find_by_id and a missed find (an owned error message) in turn, on 100 users.</summary>
        private static void MixedCalls(Store store, int count)
        {
            for (int n = 0; n < count; n++)
            {
                int user = n % 100;
                switch (n % 4)
                {
                    case 0:
                        store.Save(Fields("user_name", "user" + user + "@example.com:777", "access_token", "1000." + n.ToString("D64")));
                        break;
                    case 1:
                        store.Find(Fields("user_name", "user" + user + "@example.com:777"));
                        break;
                    case 2:
                        store.FindById((user + 1).ToString());
                        break;
                    default:
                        try
                        {
                            store.Find(Fields("user_name", "nobody" + user));
                        }
                        catch (ZtsException)
                        {
                        }
                        break;
                }
            }
        }

        [Test]
        public void HundredThousandCallsLeaveRssFlat()
        {
            using (var store = new Store(":memory:"))
            {
                for (int user = 0; user < 100; user++) // ids 1..100 exist before FindById is called
                    store.Save(Fields("user_name", "user" + user + "@example.com:777", "access_token", "AT"));
                MixedCalls(store, 10000); // warm-up: SQLite's page cache, the JIT, the managed heap
                long before = SettledRss();
                MixedCalls(store, 100000);
                CheckFlat(before, "100,000 calls");
            }
        }

        /// <summary>The packed calls ZohoTokenStore makes, each buffer freed with zts_fields_free.</summary>
        private static void PackedCalls(Store store, int count)
        {
            var values = new string[10];
            for (int n = 0; n < count; n++)
            {
                int user = n % 100;
                switch (n % 5)
                {
                    case 0:
                        values[1] = "user" + user + "@example.com:777";
                        values[5] = "1000." + n.ToString("D64");
                        store.SaveValues(values);
                        values[5] = null;
                        break;
                    case 1:
                        values[1] = "user" + user + "@example.com:777";
                        store.FindValues(values);
                        break;
                    case 2:
                        store.FindByIdValues((user + 1).ToString());
                        break;
                    case 3:
                        if (user % 10 == 0) store.ListValues(); // 100 tokens in one buffer
                        break;
                    default:
                        try
                        {
                            store.FindByIdValues("100000");
                        }
                        catch (ZtsException)
                        {
                        }
                        break;
                }
            }
        }

        [Test]
        public void HundredThousandPackedCallsLeaveRssFlat()
        {
            using (var store = new Store(":memory:"))
            {
                for (int user = 0; user < 100; user++)
                    store.Save(Fields("user_name", "user" + user + "@example.com:777", "access_token", "AT"));
                PackedCalls(store, 10000);
                long before = SettledRss();
                PackedCalls(store, 100000);
                CheckFlat(before, "100,000 packed calls");
            }
        }

        [Test]
        public void ErrorMessagesAreFreed()
        {
            using (var store = new Store(":memory:"))
            {
                store.Save(Fields("user_name", "user@example.com:777", "access_token", "AT"));
                Action<int> refusedCalls = count =>
                {
                    for (int n = 0; n < count; n++)
                    {
                        try
                        {
                            if (n % 2 == 1) store.Find(Fields("user_name", "nobody" + (n % 100) + "@example.com:777"));
                            else store.FindById((n % 100 + 2).ToString());
                        }
                        catch (ZtsException)
                        {
                        }
                    }
                };
                refusedCalls(10000);
                long before = SettledRss();
                refusedCalls(100000);
                CheckFlat(before, "100,000 refused calls");
            }
        }

        [Test]
        public void DisposingAStoreFreesItsHandle()
        {
            Action<int> openAndDispose = count =>
            {
                for (int n = 0; n < count; n++)
                {
                    using (var store = new Store(":memory:")) store.Save(Fields("access_token", "AT"));
                }
            };
            openAndDispose(1000);
            long before = SettledRss();
            openAndDispose(10000);
            CheckFlat(before, "10,000 disposed stores");
        }

        [Test]
        public void TheFinalizerFreesTheHandlesOfAbandonedStores()
        {
            Action<int> openAndAbandon = count =>
            {
                for (int n = 0; n < count; n++)
                {
                    new Store(":memory:").Save(Fields("access_token", "AT"));
                    if (n % 1000 == 999) SettledRss(); // let the finalizer catch up
                }
            };
            openAndAbandon(1000);
            long before = SettledRss();
            openAndAbandon(10000);
            CheckFlat(before, "10,000 abandoned stores");
        }
    }
}
