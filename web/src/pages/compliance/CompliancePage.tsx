/** Compliance: every product with its support end, current release and open vulnerabilities, paged by the server. */
import { Link } from 'wouter';
import { Loading } from '../../components/Loading.tsx';
import { Pager } from '../../components/Pager.tsx';
import { Problem } from '../../components/Problem.tsx';
import { usePagedList } from '../../components/usePagedList.ts';
import { ProductSummaryCells } from './ProductSummaryCells.tsx';
import type { Product } from './types.ts';

export function CompliancePage() {
  const list = usePagedList<Product>('/products', {}, { pageSize: 20, refetchMs: 5000 });
  return (
    <section aria-labelledby="compliance-title">
      <h1 id="compliance-title">Compliance</h1>
      <p className="muted">Open a product for its releases, SBOMs, vulnerabilities and assessments per market.</p>
      {list.error !== null ? <Problem error={list.error} what="the products" /> : null}
      {list.isLoading ? (
        <Loading what="products" />
      ) : list.items.length === 0 && list.error === null ? (
        <p className="empty">
          No products yet: create one with <code>iotopia product create</code> or <code>POST /api/v1/products</code>.
        </p>
      ) : (
        <table className="data">
          <caption className="visually-hidden">Products</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Name</th>
              <th scope="col">Manufacturer</th>
              <th scope="col">Support end</th>
              <th scope="col">Current release</th>
              <th scope="col">Vulnerabilities</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((p) => (
              <tr key={p.model}>
                <th scope="row">
                  <Link href={`/compliance/products/${encodeURIComponent(p.model)}`} className="mono">
                    {p.model}
                  </Link>
                </th>
                <td>{p.name}</td>
                <td>{p.manufacturer}</td>
                <ProductSummaryCells model={p.model} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label="Products" />
    </section>
  );
}
