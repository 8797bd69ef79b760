/**
 * One audit log item as the upstream sends it (camelCase keys, every field filled):
 * the item fake upstreams serve, decoders are tested on and benchmarks multiply.
 * Spread it to vary a field: `{ ...UPSTREAM_ITEM, status: 'Failed' }`.
 */
export const UPSTREAM_ITEM = {
  id: '9b2f6a0e-6a43-4c1e-9d1a-2f0d6b1c7e55',
  timestamp: '2026-11-20T10:15:30.123Z',
  operation: 'CreateOrder',
  status: 'Succeded',
  resellerId: '1c9e6a0e-0000-4000-8000-000000000001',
  resellerName: 'Contoso Reseller',
  customerId: '5d2a6a0e-0000-4000-8000-000000000002',
  customerName: 'Fabrikam Ltd',
  userName: 'alice@contoso.example',
  correlationId: '0b7c6a0e-0000-4000-8000-000000000003',
  details: 'Order 4711 created',
};
