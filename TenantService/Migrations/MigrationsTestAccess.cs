using System.Runtime.CompilerServices;

// The migrations tests drive the runner and journal directly as well as through the API.
[assembly: InternalsVisibleTo("Migrations.Tests")]
