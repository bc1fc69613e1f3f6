using System;

namespace Zts
{
    /// <summary>
    /// A zts call returned a status other than OK, or the binding refused an argument before the call
    /// (a NUL inside a string, a lone surrogate) with the status zts would give.
    /// </summary>
    /// <remarks>
    /// <see cref="Status"/> is the number (compare with <see cref="ZtsStatus"/>), <see cref="StatusName"/>
    /// its name ("ZTS_NOT_FOUND") and <see cref="Exception.Message"/> exactly what zts said was wrong.
    /// zts never puts a secret in a message.
    /// </remarks>
    public class ZtsException : Exception
    {
        public ZtsException(int status, string message)
            : base(message ?? "")
        {
            Status = status;
            StatusName = Store.StatusName(status);
        }

        /// <summary>The zts status, e.g. <see cref="ZtsStatus.NotFound"/>.</summary>
        public int Status { get; private set; }

        /// <summary>The status's name, e.g. "ZTS_NOT_FOUND".</summary>
        public string StatusName { get; private set; }

        public override string ToString()
        {
            return GetType().FullName + ": " + StatusName + ": " + Message +
                   (StackTrace == null ? "" : Environment.NewLine + StackTrace);
        }
    }
}
