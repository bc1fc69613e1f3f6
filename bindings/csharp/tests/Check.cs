using System;
using System.Collections.Generic;
using System.Linq;

namespace Zts.Tests
{
    public sealed class CheckFailed : Exception
    {
        public CheckFailed(string message) : base(message) { }
    }

    /// <summary>Assertions; each failure throws CheckFailed with what was expected and what came.</summary>
    public static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new CheckFailed(what);
        }

        public static void Equal<T>(T expected, T actual, string what = null)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new CheckFailed((what != null ? what + ": " : "") + "expected <" + expected + "> but got <" + actual + ">");
        }

        public static void SequenceEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what = null)
        {
            if (!expected.SequenceEqual(actual))
                throw new CheckFailed((what != null ? what + ": " : "") + "expected [" + string.Join(", ", expected) +
                                      "] but got [" + string.Join(", ", actual) + "]");
        }

        public static void Contains(string expectedPart, string actual, string what = null)
        {
            if (actual == null || !actual.Contains(expectedPart))
                throw new CheckFailed((what != null ? what + ": " : "") + "<" + actual + "> does not contain <" + expectedPart + ">");
        }

        public static void Lacks(string unexpectedPart, string actual, string what = null)
        {
            if (actual != null && actual.Contains(unexpectedPart))
                throw new CheckFailed((what != null ? what + ": " : "") + "<" + actual + "> contains <" + unexpectedPart + ">");
        }

        /// <summary>Runs the action and returns the exception of exactly type T it threw.</summary>
        public static T Throws<T>(Action action, string what = null) where T : Exception
        {
            try
            {
                action();
            }
            catch (Exception error)
            {
                var expected = error as T;
                if (expected != null && error.GetType() == typeof(T)) return expected;
                throw new CheckFailed((what != null ? what + ": " : "") + "expected " + typeof(T).Name + " but got " +
                                      error.GetType().Name + ": " + error.Message);
            }
            throw new CheckFailed((what != null ? what + ": " : "") + "expected " + typeof(T).Name + " but nothing was thrown");
        }

        /// <summary>Two tokens hold the same keys and values.</summary>
        public static void SameToken(IDictionary<string, string> expected, IDictionary<string, string> actual, string what = null)
        {
            string prefix = what != null ? what + ": " : "";
            if (actual == null) throw new CheckFailed(prefix + "no token");
            SequenceEqual(expected.Keys.OrderBy(key => key, StringComparer.Ordinal), actual.Keys.OrderBy(key => key, StringComparer.Ordinal), prefix + "keys");
            foreach (KeyValuePair<string, string> pair in expected)
                Equal(pair.Value, actual[pair.Key], prefix + "key " + pair.Key);
        }
    }
}
