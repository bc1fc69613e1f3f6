using System.Runtime.CompilerServices;

// The tests check the library lookup, the version check and the token JSON directly.
[assembly: InternalsVisibleTo("Zts.Tests")]
