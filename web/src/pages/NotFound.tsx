import { Link } from 'wouter';

export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        This console has no such page. <Link href="/fleet">Go to the fleet</Link>.
      </p>
    </section>
  );
}
