using System.Runtime.CompilerServices;

// The tests check the library lookup, the version check and the JSON reader directly; the xlang
// driver reuses the JSON reader to decode its requests.
[assembly: InternalsVisibleTo("Zts.Tests")]
[assembly: InternalsVisibleTo("XlangDriver")]
