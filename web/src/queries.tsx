import {
  QueryClient,
  QueryClientProvider,
  type UseMutationOptions,
  type UseQueryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, type ApiInit, type ApiPath, type ApiResponse, apiClient } from './api.js';

// How pages read and change data: TanStack Query over the typed client of web/src/api.ts, so
// loading, errors (an ApiError with the problem's code, detail and param), retries and refetching
// after a change work the same way on every page.
//
//   const contract = useApiQuery('/contracts/{id}', { params: { path: { id } } });
//   const cancel = useApiMutation('post', '/contracts/{id}/cancellation', {
//     invalidates: ['/contracts/{id}'],
//   });
//
// A query's key is [path, params]: invalidating a path refetches every query of that path.

/** Network failures and 5xx answers are retried once; a 4xx answer is the server's word and never is. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: 500,
        // A page shows what it fetched when it opened; switching windows does not reload it under
        // the person reading it (a change they make refetches what it touches).
        refetchOnWindowFocus: false,
      },
      // A change is never repeated on its own: the person decides (idempotency keys make a retry safe).
      mutations: { retry: false },
    },
  });
}

/** The one QueryClient of the app, around the router in web/src/app.tsx. */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

type GetPath = ApiPath<'get'>;
type ChangeMethod = 'post' | 'put' | 'patch' | 'delete';

/** The key of a GET query: its path template, then its parameters. */
export function apiQueryKey<Path extends GetPath>(
  path: Path,
  init?: ApiInit<'get', Path>,
): readonly unknown[] {
  const params = (init as { params?: unknown } | undefined)?.params;
  return params === undefined ? [path] : [path, params];
}

type QueryOptions<Data> = Omit<UseQueryOptions<Data, ApiError, Data>, 'queryKey' | 'queryFn'>;

/** Key and fetcher of a GET, for useQuery, useQueries or queryClient.fetchQuery. */
export function apiQueryOptions<Path extends GetPath>(path: Path, init: ApiInit<'get', Path>) {
  return {
    queryKey: apiQueryKey(path, init),
    queryFn: ({ signal }: { signal: AbortSignal }) => {
      const get = apiClient.GET as (path: GetPath, init: object) => Promise<ApiResponse<'get', Path>>;
      return get(path, { ...(init as object | undefined), signal });
    },
  };
}

/** A GET of the API, typed by its path; `init` carries path and query parameters. */
export function useApiQuery<Path extends GetPath>(
  path: Path,
  init: ApiInit<'get', Path>,
  options: QueryOptions<ApiResponse<'get', Path>> = {},
) {
  return useQuery<ApiResponse<'get', Path>, ApiError>({ ...apiQueryOptions(path, init), ...options });
}

interface MutationOptions<Data, Init>
  extends Omit<UseMutationOptions<Data, ApiError, Init>, 'mutationFn' | 'mutationKey'> {
  /** The GET paths whose queries are stale once the change succeeded; they refetch. */
  invalidates?: readonly GetPath[];
}

/**
 * A change through the API (POST, PUT, PATCH, DELETE), typed by its path: `mutate(init)` takes the
 * path parameters and body. On success the `invalidates` paths refetch.
 */
export function useApiMutation<Method extends ChangeMethod, Path extends ApiPath<Method>>(
  method: Method,
  path: Path,
  {
    invalidates = [],
    onSuccess,
    ...options
  }: MutationOptions<ApiResponse<Method, Path>, ApiInit<Method, Path>> = {},
) {
  const refetch = useRefetch();
  return useMutation<ApiResponse<Method, Path>, ApiError, ApiInit<Method, Path>>({
    mutationFn: (init) => {
      const call = apiClient[method.toUpperCase() as Uppercase<ChangeMethod>] as unknown as (
        path: string,
        init: unknown,
      ) => Promise<ApiResponse<Method, Path>>;
      return call(path, init);
    },
    onSuccess: async (...args) => {
      await refetch(invalidates);
      await onSuccess?.(...args);
    },
    ...options,
  });
}

/**
 * Marks the queries of `paths` stale, so those on screen refetch: what a change made outside
 * useApiMutation (an upload with progress) calls once it succeeded.
 */
export function useRefetch(): (paths: readonly GetPath[]) => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(
    async (paths) => {
      await Promise.all(paths.map((stale) => queryClient.invalidateQueries({ queryKey: [stale] })));
    },
    [queryClient],
  );
}

/** What to show for a failed request: the problem's own sentence, or a general one. */
export function errorMessage(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.detail : fallback;
}

/** `value` once it has stayed the same for `delayMs` (what a quote asked while typing waits for). */
export function useDebounced<Value>(value: Value, delayMs: number): Value {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the value is compared by its JSON key.
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);
  return settled;
}
