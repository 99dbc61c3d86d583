using Ebpf.Kernel;

namespace Ebpf.Reliability;

/// <summary>
/// What the unprivileged child of <see cref="PrivilegeRun"/> does: creates a map, loads a program and loads a
/// collection, each of which must fail with <see cref="EbpfPermissionException"/> carrying its hint, and leave
/// no BPF descriptor open. Prints one line per operation.
/// </summary>
public static class UnprivilegedChecks
{
    /// <summary>Runs the checks; returns 0 when all passed, 1 otherwise.</summary>
    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
                int fds = KernelObjectCounts.OpenBpfFds();
        int failures = RunOperations(output);
        int after = KernelObjectCounts.OpenBpfFds();

        output.WriteLine($"unprivileged: user {Environment.UserName}, BPF fds before {fds} after {after}, {failures} failures");
        return failures == 0 && after <= fds ? 0 : 1;
    }

    private static int RunOperations(TextWriter output)
    {
        var spec = CollectionSpec.Load(ReliabilityObjects.Path("reliability"));
        int failures = 0;
        failures += Expect(output, "map create", () => Map.Create(spec.Maps["rel_syscalls"]).Dispose());
        failures += Expect(output, "program load", () => Program.Load(ReliabilityObjects.TrivialProgram()).Dispose());
        failures += Expect(output, "collection load", () => Collection.Load(spec).Dispose());
        return failures;
    }

    private static int Expect(TextWriter output, string operation, Action action)
    {
        try
        {
            action();
            output.WriteLine($"{operation}: FAILED, succeeded without privilege");
            return 1;
        }
        catch (EbpfPermissionException e) when (e.Message.Contains(EbpfPermissionException.Hint, StringComparison.Ordinal))
        {
            output.WriteLine($"{operation}: {e.GetType().Name}: {e.Message}");
            return 0;
        }
        catch (Exception e)
        {
            output.WriteLine($"{operation}: FAILED, {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
