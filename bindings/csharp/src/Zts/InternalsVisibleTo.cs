using System.Runtime.CompilerServices;

// The tests check the library lookup, the version check, the token JSON and the packed form directly.
[assembly: InternalsVisibleTo("Zts.Tests")]
