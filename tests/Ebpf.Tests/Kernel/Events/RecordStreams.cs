using System.Runtime.InteropServices;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Checks on the records of <c>ReadAllAsync</c> streams.</summary>
internal static class RecordStreams
{
    /// <summary>True when both records' data are slices of one array (a reused buffer).</summary>
    public static bool SameArray(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) =>
        MemoryMarshal.TryGetArray(a, out var x) && MemoryMarshal.TryGetArray(b, out var y) && ReferenceEquals(x.Array, y.Array);

    /// <summary>A stream walked synchronously, for tests in unsafe classes (no await there); records must be available.</summary>
    public sealed class Enumerator<T>(IAsyncEnumerable<T> stream) : IDisposable
    {
        private readonly IAsyncEnumerator<T> _records = stream.GetAsyncEnumerator();

        public T Current => _records.Current;

        public bool MoveNext() => _records.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

        public void Dispose() => _records.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }
}
