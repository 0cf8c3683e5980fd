import { DealerStatementView } from '../dealer-statement-view.js';
import { PageHeading } from '../page-heading.js';
import { Link } from '../router.js';
import { StaffOnly } from '../staff-only.js';

// A dealer's statement for administrators (GET /dealers/:id/statement): balances, receivables aging as
// a chart and a table, movements, CSV and PDF; remittances recorded and dealers' notices matched here.

export function AdminDealerStatementPage({ params }: { params: Record<string, string> }) {
  const dealerId = params.id ?? '';
  return (
    <StaffOnly roles={['admin']} refusal="Dealer statements are for administrators only.">
      {() => (
        <>
          <PageHeading title="Dealer statement">Dealer statement</PageHeading>
          <p>
            <Link href="/admin/dealers">All dealers</Link>
          </p>
          <DealerStatementView dealerId={dealerId} asDealer={false} />
        </>
      )}
    </StaffOnly>
  );
}

export default AdminDealerStatementPage;
