using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Zts.Tests
{
    /// <summary>Marks a test: a public instance method without parameters.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute
    {
    }

    /// <summary>
    /// Marks a method returning IEnumerable&lt;TestCase&gt;: each case runs and is reported as its own test.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestCasesAttribute : Attribute
    {
    }

    public sealed class TestCase
    {
        public TestCase(string name, Action run)
        {
            Name = name;
            Run = run;
        }

        public string Name { get; private set; }
        public Action Run { get; private set; }
    }

    /// <summary>
    /// A small test runner, so the tests need nothing beyond mono-runtime (toolchains.md: NUnit 2.6
    /// from Debian works too, but adds packages and prints no plain summary line).
    /// Every test class gets a new instance per test, disposed afterwards when it is IDisposable.
    /// Prints one line per test and "N passed, M failed"; exits 1 on any failure or when nothing ran.
    /// Arguments: optional substrings; only tests whose full name contains one of them run.
    /// </summary>
    public static class Runner
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == ChildProcess.Flag) return ChildProcess.Run(args);
            int passed = 0, failed = 0;
            var types = typeof(Runner).Assembly.GetTypes().Where(type => type.IsClass && type.IsPublic).OrderBy(type => type.Name);
            foreach (Type type in types)
            {
                foreach (MethodInfo method in type.GetMethods().OrderBy(method => method.MetadataToken))
                {
                    bool single = method.GetCustomAttributes(typeof(TestAttribute), false).Length > 0;
                    bool cases = method.GetCustomAttributes(typeof(TestCasesAttribute), false).Length > 0;
                    if (!single && !cases) continue;
                    string name = type.Name + "." + method.Name;
                    if (single)
                    {
                        if (!Selected(name, args)) continue;
                        MethodInfo test = method;
                        Report(name, RunIsolated(type, instance => test.Invoke(instance, null)), ref passed, ref failed);
                        continue;
                    }
                    List<TestCase> listed;
                    Exception listing = ListCases(type, method, out listed);
                    if (listing != null)
                    {
                        Report(name, listing, ref passed, ref failed);
                        continue;
                    }
                    foreach (TestCase testCase in listed)
                    {
                        string caseName = name + "[" + testCase.Name + "]";
                        if (!Selected(caseName, args)) continue;
                        Report(caseName, Run(testCase.Run), ref passed, ref failed);
                    }
                }
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        private static bool Selected(string name, string[] filters)
        {
            return filters.Length == 0 || filters.Any(filter => name.Contains(filter));
        }

        private static Exception ListCases(Type type, MethodInfo method, out List<TestCase> cases)
        {
            cases = null;
            try
            {
                object instance = method.IsStatic ? null : Activator.CreateInstance(type);
                cases = ((IEnumerable<TestCase>)method.Invoke(instance, null)).ToList();
                return null;
            }
            catch (Exception error)
            {
                return Unwrap(error);
            }
        }

        private static Exception RunIsolated(Type type, Action<object> test)
        {
            object instance = null;
            try
            {
                instance = Activator.CreateInstance(type);
                test(instance);
                return null;
            }
            catch (Exception error)
            {
                return Unwrap(error);
            }
            finally
            {
                var disposable = instance as IDisposable;
                if (disposable != null) disposable.Dispose();
            }
        }

        private static Exception Run(Action test)
        {
            try
            {
                test();
                return null;
            }
            catch (Exception error)
            {
                return Unwrap(error);
            }
        }

        private static Exception Unwrap(Exception error)
        {
            while (error is TargetInvocationException && error.InnerException != null) error = error.InnerException;
            return error;
        }

        private static void Report(string name, Exception failure, ref int passed, ref int failed)
        {
            if (failure == null)
            {
                passed++;
                Console.WriteLine("ok   " + name);
                return;
            }
            failed++;
            Console.WriteLine("FAIL " + name + ": " + failure.GetType().Name + ": " + failure.Message);
            Console.WriteLine("     " + (failure.StackTrace ?? "").Replace("\n", "\n     "));
        }
    }
}
