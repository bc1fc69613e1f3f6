using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Zts.Tests
{
    /// <summary>Paths, temporary directories, child processes and token builders shared by the tests.</summary>
    public static class Fixtures
    {
        /// <summary>build/, where Zts.dll, libzts.so, the tests and the driver are.</summary>
        public static readonly string BuildDirectory = Path.GetDirectoryName(typeof(Fixtures).Assembly.Location);

        /// <summary>bindings/csharp/.</summary>
        public static readonly string BindingDirectory = Path.GetDirectoryName(BuildDirectory);

        public static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(BindingDirectory, "..", ".."));

        public static readonly string VectorsFile = Path.Combine(RepositoryRoot, "tests", "vectors", "store.json");

        public static readonly string[] Keys =
        {
            "id", "user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
            "expiry_time", "redirect_url", "api_domain",
        };

        /// <summary>A token with all ten keys: the given ones, the rest null. Pairs of key, value.</summary>
        public static Dictionary<string, string> Token(params string[] pairs)
        {
            var token = new Dictionary<string, string>();
            foreach (string key in Keys) token[key] = null;
            for (int i = 0; i < pairs.Length; i += 2)
            {
                if (!token.ContainsKey(pairs[i])) throw new ArgumentException("not a token key: " + pairs[i]);
                token[pairs[i]] = pairs[i + 1];
            }
            return token;
        }

        /// <summary>Only the given keys (a query or a token to save). Pairs of key, value.</summary>
        public static Dictionary<string, string> Fields(params string[] pairs)
        {
            var token = new Dictionary<string, string>();
            for (int i = 0; i < pairs.Length; i += 2) token[pairs[i]] = pairs[i + 1];
            return token;
        }

        /// <summary>A copy of the token with some keys changed. Pairs of key, value.</summary>
        public static Dictionary<string, string> With(IDictionary<string, string> token, params string[] pairs)
        {
            var copy = new Dictionary<string, string>(token);
            for (int i = 0; i < pairs.Length; i += 2) copy[pairs[i]] = pairs[i + 1];
            return copy;
        }

        /// <summary>This process's resident set size, from /proc/self/statm (second field, in pages).</summary>
        public static long RssBytes()
        {
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1]) * Environment.SystemPageSize;
        }

        /// <summary>One command-line argument: in double quotes, inner quotes escaped (no backslashes expected).</summary>
        public static string Quote(string argument)
        {
            return "\"" + argument.Replace("\"", "\\\"") + "\"";
        }

        /// <summary>Runs a program to its end; stdin is written and closed first.</summary>
        public static ProcessResult Run(string program, string arguments, string stdin = "",
                                        string workingDirectory = null, IDictionary<string, string> environment = null)
        {
            var start = new ProcessStartInfo(program, arguments)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                WorkingDirectory = workingDirectory ?? BuildDirectory,
            };
            if (environment != null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    if (pair.Value == null) start.EnvironmentVariables.Remove(pair.Key);
                    else start.EnvironmentVariables[pair.Key] = pair.Value;
                }
            }
            using (Process process = Process.Start(start))
            {
                // Read both pipes at once so that neither can fill up and block the child.
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using (var input = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false)))
                {
                    input.Write(stdin);
                }
                if (!process.WaitForExit(120000))
                {
                    process.Kill();
                    throw new TimeoutException(program + " " + arguments + " did not finish");
                }
                return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
            }
        }
    }

    public sealed class ProcessResult
    {
        public ProcessResult(int exitCode, string stdout, string stderr)
        {
            ExitCode = exitCode;
            Stdout = stdout;
            Stderr = stderr;
        }

        public int ExitCode { get; private set; }
        public string Stdout { get; private set; }
        public string Stderr { get; private set; }

        public override string ToString()
        {
            return "exit " + ExitCode + ", stdout <" + Stdout + ">, stderr <" + Stderr + ">";
        }
    }

    /// <summary>A temporary directory, deleted with everything in it on Dispose.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zts-csharp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; private set; }

        public string File(string name)
        {
            return System.IO.Path.Combine(Path, name);
        }

        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, true);
        }
    }
}
