using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Zts
{
    /// <summary>
    /// An open zts_store*. ReleaseHandle calls zts_close exactly once: on Dispose, on finalization of
    /// a handle nobody disposed, or at process exit.
    /// </summary>
    /// <remarks>
    /// Store calls DangerousAddRef/DangerousRelease around every native call, so a Dispose on another
    /// thread during a call only marks the handle closed and zts_close runs when that call returns:
    /// zts_close never runs while a call is inside the handle.
    /// </remarks>
    internal sealed class StoreHandle : SafeHandle
    {
        // Handles not yet released, closed at process exit (.NET Core runs no finalizers at exit; this
        // makes Mono and .NET alike). Weak, so the registry never keeps an abandoned store alive.
        private static readonly Dictionary<IntPtr, WeakReference<StoreHandle>> open =
            new Dictionary<IntPtr, WeakReference<StoreHandle>>();
        private static bool exitHookInstalled;

        public StoreHandle()
            : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        /// <summary>Takes ownership of a handle zts_open returned.</summary>
        public void Adopt(IntPtr store)
        {
            SetHandle(store);
            lock (open)
            {
                open[store] = new WeakReference<StoreHandle>(this);
                if (!exitHookInstalled)
                {
                    AppDomain.CurrentDomain.ProcessExit += (sender, e) => CloseAll();
                    exitHookInstalled = true;
                }
            }
        }

        protected override bool ReleaseHandle()
        {
            lock (open)
            {
                open.Remove(handle);
            }
            ZtsLibrary.Instance.Close(handle);
            return true;
        }

        /// <summary>Closes every handle not yet released (at process exit).</summary>
        internal static void CloseAll()
        {
            var handles = new List<StoreHandle>();
            lock (open)
            {
                foreach (WeakReference<StoreHandle> reference in open.Values)
                {
                    StoreHandle alive;
                    if (reference.TryGetTarget(out alive)) handles.Add(alive);
                }
            }
            foreach (StoreHandle alive in handles) alive.Dispose();
        }
    }
}
