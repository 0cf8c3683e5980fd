import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  completeMfaSignIn,
  fetchCurrentPrincipal,
  type HolderIdentity,
  type HolderVerification,
  holderSignIn as holderSignInRequest,
  type SignInAnswer,
  type StaffUser,
  signIn as signInRequest,
  signOut as signOutRequest,
} from './auth.js';

// Who is signed in, asked of the server once at start (/auth/me): the session itself is an
// HttpOnly cookie the page cannot read, so the server is the only source of truth. A session is
// either a staff user's or a contract holder's; pages for one kind treat the other as signed out.

export type Session =
  | { status: 'loading' }
  /** `signedOutByUser` tells a page that the user just asked to leave (so it can say so). */
  | { status: 'signed_out'; signedOutByUser: boolean }
  | { status: 'signed_in'; user: StaffUser }
  | { status: 'holder_signed_in'; holder: HolderIdentity };

export interface SessionContextValue {
  session: Session;
  /**
   * Resolves with the user on success, or with a challenge when two-step sign-in is on (then call
   * completeMfaSignIn); rejects with an ApiError (e.g. invalid_credentials).
   */
  signIn(email: string, password: string): Promise<SignInAnswer>;
  completeMfaSignIn(challengeToken: string, code: string): Promise<StaffUser>;
  /** Resolves with the holder's contracts; rejects with an ApiError (e.g. verification_failed). */
  holderSignIn(facts: HolderVerification): Promise<HolderIdentity>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  // What one person's session fetched is never shown to the next: a change of who is signed in
  // empties the query cache (web/src/queries.tsx).
  const queryClient = useQueryClient();

  useEffect(() => {
    const controller = new AbortController();
    fetchCurrentPrincipal(controller.signal).then(
      (principal) => {
        if (principal?.kind === 'staff') setSession({ status: 'signed_in', user: principal.user });
        else if (principal?.kind === 'holder')
          setSession({ status: 'holder_signed_in', holder: principal.holder });
        else setSession({ status: 'signed_out', signedOutByUser: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // The server could not say (down, or an error): treat it as signed out so the sign-in
        // page, which reports errors properly, is where the user ends up.
        console.error('Could not load the current session', error);
        setSession({ status: 'signed_out', signedOutByUser: false });
      },
    );
    return () => controller.abort();
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await signInRequest(email, password);
      if ('user' in answer) {
        queryClient.clear();
        setSession({ status: 'signed_in', user: answer.user });
      }
      return answer;
    },
    [queryClient],
  );

  const completeMfa = useCallback(
    async (challengeToken: string, code: string) => {
      const user = await completeMfaSignIn(challengeToken, code);
      queryClient.clear();
      setSession({ status: 'signed_in', user });
      return user;
    },
    [queryClient],
  );

  const holderSignIn = useCallback(
    async (facts: HolderVerification) => {
      const holder = await holderSignInRequest(facts);
      queryClient.clear();
      setSession({ status: 'holder_signed_in', holder });
      return holder;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    await signOutRequest();
    queryClient.clear();
    setSession({ status: 'signed_out', signedOutByUser: true });
  }, [queryClient]);

  const value = useMemo(
    () => ({ session, signIn, completeMfaSignIn: completeMfa, holderSignIn, signOut }),
    [session, signIn, completeMfa, holderSignIn, signOut],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
