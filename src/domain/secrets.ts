/** What a secret value shows as wherever it would appear. */
export const SECRET_MASK = '********';
