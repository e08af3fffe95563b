/**
 * Patches applied inside the moto process before it starts, to its DynamoDB emulation only, so that
 * it keeps the promises Baton relies on from DynamoDB:
 *
 * 1. DynamoDB requests are served one at a time (a lock around DynamoHandler.call_action). moto
 *    5.2.1 serves requests on threads with no lock around an item's check-and-write, so two
 *    concurrent conditional updates of one item can both pass (seen: a task claimed by two
 *    pollers), and TransactWriteItems backs up each table with copy.deepcopy while other threads
 *    add items ("dictionary changed size during iteration", answered as HTTP 500). DynamoDB makes
 *    every single-item write atomic; serving one request at a time is what that looks like from
 *    outside. SQS and the rest of moto stay threaded, so long polls block nothing.
 * 2. A transaction backs up each table once instead of once per action: moto copies the same,
 *    still untouched, table for every action and keeps the last copy, so one copy is the same
 *    backup, and a 13-action commit on a table of 800 items stops costing 13 full-table copies.
 */
export const MOTO_PATCHES = `
import copy, functools, threading
import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

request_lock = threading.RLock()
original_call_action = DynamoHandler.call_action
@functools.wraps(original_call_action)
def call_action(self, *args, **kwargs):
    with request_lock:
        return original_call_action(self, *args, **kwargs)
DynamoHandler.call_action = call_action

transaction = threading.local()
class CopyOncePerTransaction:
    def __getattr__(self, name):
        return getattr(copy, name)
    def deepcopy(self, value, memo=None):
        backups = getattr(transaction, 'backups', None)
        if backups is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in backups:
            backups[id(value)] = copy.deepcopy(value, memo)
        return backups[id(value)]
dynamodb_models.copy = CopyOncePerTransaction()
original_transact = DynamoDBBackend.transact_write_items
@functools.wraps(original_transact)
def transact_write_items(self, *args, **kwargs):
    transaction.backups = {}
    try:
        return original_transact(self, *args, **kwargs)
    finally:
        transaction.backups = None
DynamoDBBackend.transact_write_items = transact_write_items
`;
