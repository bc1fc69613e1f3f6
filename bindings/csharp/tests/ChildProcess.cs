using System;
using System.Collections.Generic;
using System.IO;

namespace Zts.Tests
{
    /// <summary>
    /// What a test runs in a child process (Zts.Tests.exe --child MODE ...), for behaviour that only
    /// shows at process exit, and the SDK loop of tests/refresh (SdkLoop).
    /// </summary>
    public static class ChildProcess
    {
        public const string Flag = "--child";

        public static ProcessResult Start(params string[] arguments)
        {
            string exe = Path.Combine(Fixtures.BuildDirectory, "Zts.Tests.exe");
            return Fixtures.Run("mono", Fixtures.Quote(exe) + " " + Flag + " " + string.Join(" ", arguments));
        }

        public static int Run(string[] args)
        {
            switch (args[1])
            {
                case "leave-open":
                    // Stores that are never disposed: the process must still close them at exit.
                    var kept = new Store(args[2]);
                    kept.Save(new Dictionary<string, string> { { "user_name", "u" }, { "access_token", "a" } });
                    new Store(":memory:").Save(new Dictionary<string, string> { { "access_token", "b" } });
                    new Store(":memory:").Dispose();
                    GC.KeepAlive(kept);
                    return 0;
                case "sdk-loop":
                    return SdkLoop.Run(args[2]);
                default:
                    Console.Error.WriteLine("unknown child mode " + args[1]);
                    return 2;
            }
        }
    }
}
