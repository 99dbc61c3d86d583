// opensnoop as libbpf-tools has it: every openat(2) on the machine with process, thread, user, result, flags and file
// name, from the tracepoints syscalls/sys_enter_openat and sys_exit_openat through a ring buffer of typed events.
//
//   sudo dotnet bin/Release/net10.0/OpenSnoop.dll [--pid PID] [--uid UID] [--failed] [--duration SECONDS] [--count N]
using Ebpf.Kernel;
using OpenSnoop;

if (!SnoopOptions.TryParse(args, out var options, out string? error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(SnoopOptions.Usage);
    return 2;
}

// The filters are const volatile globals in .rodata: set in the spec before load, frozen once loaded.
var spec = OpensnoopObjects.LoadSpec();
_ = new OpensnoopObjects.Variables(spec)
{
    TargPid = options.Pid,
    TargUid = options.Uid ?? uint.MaxValue,
    TargFailed = options.FailedOnly,
};
using var objects = OpensnoopObjects.Load(spec);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
if (options.Duration is { } duration)
{
    stop.CancelAfter(duration);
}

long received = 0;
void Print(ref readonly OpensnoopObjects.Event e)
{
    received++;
    if (received > options.Count)
    {
        return; // read after --count was reached: counted, not printed
    }

    int fd = e.Ret >= 0 ? e.Ret : -1;
    int err = e.Ret >= 0 ? 0 : -e.Ret;
    string comm = FixedString.Intern(e.Comm); // the same string for a name seen before, without allocating
    string flags = Convert.ToString(e.Flags, 8).PadLeft(8, '0');
    Console.WriteLine($"{e.Pid,-7} {e.Tid,-7} {e.Uid,-6} {comm,-16} {fd,3} {err,3} {flags} {FixedString.Decode(e.Fname)}");
}

using var events = objects.OpenEventsReader();
using (var links = objects.AttachAll())
{
    Console.WriteLine($"Tracing openat: {links.Count} programs attached");
    Console.WriteLine($"{"PID",-7} {"TID",-7} {"UID",-6} {"COMM",-16} {"FD",3} {"ERR",3} {"FLAGS",-8} PATH");
    while (!stop.IsCancellationRequested && received < options.Count)
    {
        try
        {
            if (events.Wait(TimeSpan.FromMilliseconds(250), stop.Token))
            {
                // Typed records in place in the ring's memory: struct event is OpensnoopObjects.Event.
                events.Consume<OpensnoopObjects.Event>(Print);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

// Detached: the events left in the ring are the last ones.
events.Consume<OpensnoopObjects.Event>(Print);

// The program's counters, read live from the loaded .bss map.
var globals = objects.Globals;
Console.WriteLine($"events: {received} received, {globals.Emitted} emitted, {globals.Dropped} dropped (ring buffer full)");
return 0;
