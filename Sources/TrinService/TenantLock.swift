import Synchronization
import TrinPostgres

/// The run lock of a PostgreSQL store's tenant, held on the store's connection (a session
/// advisory lock, `PostgresStore.tryLockTenant`): one instance of a tenant runs at a time,
/// on any machine, and the server lets go when the connection ends, however it ends.
final class TenantLock: HeldRunLock {
    let store: PostgresStore
    private let held = Atomic<Bool>(true)

    private init(store: PostgresStore) { self.store = store }

    /// Takes the lock if no other instance of the tenant holds it; nil when one does.
    static func tryAcquire(_ store: PostgresStore) throws(RunLockError) -> TenantLock? {
        do { return try store.tryLockTenant() ? TenantLock(store: store) : nil } catch {
            throw .cannotOpen(path: store.location, message: "\(error)")
        }
    }

    var isHeld: Bool { held.load(ordering: .acquiring) }

    func release() {
        guard held.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try? store.unlockTenant()
    }
}
