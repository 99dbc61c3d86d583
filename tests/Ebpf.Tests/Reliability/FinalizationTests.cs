using System.Runtime.CompilerServices;
using Ebpf.Asm;
using Ebpf.Kernel;

namespace Ebpf.Tests.Reliability;

/// <summary>A map or program dropped without Dispose is closed by its finalizer, and the kernel then frees it.</summary>
[Category("Kernel")]
public class FinalizationTests
{
    [Test]
    public void ALeakedMapIsClosedByTheFinalizerAndFreedByTheKernel()
    {
        var (fd, id) = LeakMap();
        CollectUntilClosed(fd, "map_id", id);
        AssertFreed(() => Map.OpenById(id).Dispose(), id);
    }

    [Test]
    public void ALeakedProgramIsClosedByTheFinalizerAndFreedByTheKernel()
    {
        var (fd, id) = LeakProgram();
        CollectUntilClosed(fd, "prog_id", id);
        AssertFreed(() => Program.OpenById(id).Dispose(), id);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Fd, uint Id) LeakMap()
    {
        var map = Map.Create(new MapSpec { Name = "leaked", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        return (map.FileDescriptor.DangerousGetFd(), map.Info().Id);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (int Fd, uint Id) LeakProgram()
    {
        var program = Program.Load(new ProgramSpec
        {
            Name = "leaked",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
        });
        return (program.FileDescriptor.DangerousGetFd(), program.Info().Id);
    }

    /// <summary>Collects until <c>/proc/self/fdinfo/fd</c> no longer names the object (the number may be reused by another object).</summary>
    private static void CollectUntilClosed(int fd, string idField, uint id)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (!Refers(fd, idField, id))
            {
                return;
            }

            Thread.Sleep(10);
        }

        Assert.Fail($"fd {fd} still refers to {idField} {id} after collecting");
    }

    private static bool Refers(int fd, string idField, uint id)
    {
        try
        {
            return File.ReadLines($"/proc/self/fdinfo/{fd}").Any(l => l.StartsWith(idField + ":", StringComparison.Ordinal) && l[(idField.Length + 1)..].Trim() == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return false; // closed
        }
    }

    /// <summary>The kernel frees a closed object asynchronously; opening it by id must fail within a few seconds.</summary>
    private static void AssertFreed(Action openById, uint id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                openById();
            }
            catch (EbpfException e) when (e.Errno == Errno.ENOENT)
            {
                return;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"object {id} still exists in the kernel");
            Thread.Sleep(20);
        }
    }
}
