using System.Text;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary><see cref="FixedString"/>: text of fixed C char arrays, up to the first NUL, with allocation-free paths.</summary>
public sealed class FixedStringTests
{
    [Test]
    public void TextEndsAtTheFirstNulOrTheArray()
    {
        byte[] comm = new byte[16];
        Encoding.UTF8.GetBytes("bash").CopyTo(comm, 0);
        comm[6] = (byte)'x'; // after the NUL: ignored
        Assert.That(FixedString.Decode(comm), Is.EqualTo("bash"));
        Assert.That(FixedString.Bytes(comm).Length, Is.EqualTo(4));
        Assert.That(FixedString.Decode("abcdefghijklmnop"u8), Is.EqualTo("abcdefghijklmnop"), "no NUL: the whole array");
        Assert.That(FixedString.Decode("h\u00e9"u8), Is.EqualTo("h\u00e9"), "UTF-8");
    }

    [Test]
    public void TryDecodeWritesIntoASpanOrSaysItIsTooShort()
    {
        Span<char> chars = stackalloc char[16];
        Assert.That(FixedString.TryDecode("sshd\0\0\0\0"u8, chars, out int written), Is.True);
        Assert.That(chars[..written].ToString(), Is.EqualTo("sshd"));
        Assert.That(FixedString.TryDecode("systemd\0"u8, chars[..3], out written), Is.False);
        Assert.That(written, Is.Zero);
    }

    [Test]
    public void InternReturnsTheSameInstanceWithoutAllocating()
    {
        byte[] comm = new byte[16];
        Encoding.UTF8.GetBytes("intern-test").CopyTo(comm, 0);
        string first = FixedString.Intern(comm);
        Assert.That(first, Is.EqualTo("intern-test"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string second = FixedString.Intern(comm);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(second, Is.SameAs(first));
        Assert.That(allocated, Is.Zero);
        byte[] longer = new byte[FixedString.MaxInternedBytes + 10];
        longer.AsSpan().Fill((byte)'a');
        Assert.That(FixedString.Intern(longer), Has.Length.EqualTo(FixedString.MaxInternedBytes + 10), "too long to cache: decoded each time");
    }
}
