namespace Zts
{
    /// <summary>
    /// The statuses of include/zts.h: stable numbers, never reused (tests check them against
    /// zts_status_name). What each means is in the repository README.
    /// </summary>
    public static class ZtsStatus
    {
        public const int Ok = 0;
        public const int NotFound = 1;
        public const int InvalidArgument = 2;
        public const int InvalidJson = 3;
        public const int InvalidToken = 4;
        public const int Busy = 5;
        public const int IO = 6;
        public const int Corrupt = 7;
        public const int Incompatible = 8;
        public const int Internal = 9;
        public const int Refreshing = 10;
    }
}
