namespace Ebpf.Kernel;

/// <summary>An <see cref="EventRecordHandler{T}"/> as a struct <see cref="IEventRecordHandler{T}"/>, for the struct-handler loops.</summary>
internal readonly struct EventRecordDelegateHandler<T>(EventRecordHandler<T> handler) : IEventRecordHandler<T>
    where T : unmanaged
{
    public void Handle(ref readonly T value) => handler(in value);
}
